using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CamStudio.Core.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class AddCluster : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "pinned_node",
                table: "cameras",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "camera_leases",
                columns: table => new
                {
                    camera_id = table.Column<int>(type: "integer", nullable: false),
                    node_name = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    incarnation = table.Column<Guid>(type: "uuid", nullable: true),
                    fencing_token = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L),
                    acquired_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    expires_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_camera_leases", x => x.camera_id);
                    table.ForeignKey(
                        name: "FK_camera_leases_cameras_camera_id",
                        column: x => x.camera_id,
                        principalTable: "cameras",
                        principalColumn: "camera_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "cluster_nodes",
                columns: table => new
                {
                    node_name = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    incarnation = table.Column<Guid>(type: "uuid", nullable: false),
                    advertised_url = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    media_addresses = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    udp_port = table.Column<int>(type: "integer", nullable: false),
                    app_version = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    started_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    heartbeat_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    stopped_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cluster_nodes", x => x.node_name);
                });

            migrationBuilder.CreateTable(
                name: "data_protection_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    friendly_name = table.Column<string>(type: "text", nullable: true),
                    xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_data_protection_keys", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_camera_leases_expires_at",
                table: "camera_leases",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "IX_camera_leases_node_name",
                table: "camera_leases",
                column: "node_name");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "camera_leases");

            migrationBuilder.DropTable(
                name: "cluster_nodes");

            migrationBuilder.DropTable(
                name: "data_protection_keys");

            migrationBuilder.DropColumn(
                name: "pinned_node",
                table: "cameras");
        }
    }
}
