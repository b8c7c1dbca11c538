using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CamStudio.Core.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class AddGroupsAndViews : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "camera_groups",
                columns: table => new
                {
                    group_id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    name = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    normalized_name = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_camera_groups", x => x.group_id);
                });

            migrationBuilder.CreateTable(
                name: "camera_group_members",
                columns: table => new
                {
                    group_id = table.Column<int>(type: "integer", nullable: false),
                    camera_id = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_camera_group_members", x => new { x.group_id, x.camera_id });
                    table.ForeignKey(
                        name: "FK_camera_group_members_camera_groups_group_id",
                        column: x => x.group_id,
                        principalTable: "camera_groups",
                        principalColumn: "group_id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_camera_group_members_cameras_camera_id",
                        column: x => x.camera_id,
                        principalTable: "cameras",
                        principalColumn: "camera_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "camera_views",
                columns: table => new
                {
                    view_id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    owner_user_id = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    group_id = table.Column<int>(type: "integer", nullable: true),
                    layout = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    camera_order = table.Column<string>(type: "text", nullable: false),
                    shared = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_camera_views", x => x.view_id);
                    table.ForeignKey(
                        name: "FK_camera_views_AspNetUsers_owner_user_id",
                        column: x => x.owner_user_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_camera_views_camera_groups_group_id",
                        column: x => x.group_id,
                        principalTable: "camera_groups",
                        principalColumn: "group_id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "camera_view_defaults",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "text", nullable: false),
                    view_id = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_camera_view_defaults", x => x.user_id);
                    table.ForeignKey(
                        name: "FK_camera_view_defaults_AspNetUsers_user_id",
                        column: x => x.user_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_camera_view_defaults_camera_views_view_id",
                        column: x => x.view_id,
                        principalTable: "camera_views",
                        principalColumn: "view_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_camera_group_members_camera_id",
                table: "camera_group_members",
                column: "camera_id");

            migrationBuilder.CreateIndex(
                name: "IX_camera_groups_normalized_name",
                table: "camera_groups",
                column: "normalized_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_camera_view_defaults_view_id",
                table: "camera_view_defaults",
                column: "view_id");

            migrationBuilder.CreateIndex(
                name: "IX_camera_views_group_id",
                table: "camera_views",
                column: "group_id");

            migrationBuilder.CreateIndex(
                name: "IX_camera_views_owner_user_id",
                table: "camera_views",
                column: "owner_user_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "camera_group_members");

            migrationBuilder.DropTable(
                name: "camera_view_defaults");

            migrationBuilder.DropTable(
                name: "camera_views");

            migrationBuilder.DropTable(
                name: "camera_groups");
        }
    }
}
