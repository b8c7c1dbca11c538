using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CamStudio.Core.Data.Migrations.Sqlite
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
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "camera_leases",
                columns: table => new
                {
                    camera_id = table.Column<int>(type: "INTEGER", nullable: false),
                    node_name = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    incarnation = table.Column<Guid>(type: "TEXT", nullable: true),
                    fencing_token = table.Column<long>(type: "INTEGER", nullable: false, defaultValue: 0L),
                    acquired_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    expires_at = table.Column<DateTime>(type: "TEXT", nullable: false)
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
                    node_name = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    incarnation = table.Column<Guid>(type: "TEXT", nullable: false),
                    advertised_url = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    media_addresses = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    udp_port = table.Column<int>(type: "INTEGER", nullable: false),
                    app_version = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    started_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    heartbeat_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    expires_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    stopped_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cluster_nodes", x => x.node_name);
                });

            migrationBuilder.CreateTable(
                name: "data_protection_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    friendly_name = table.Column<string>(type: "TEXT", nullable: true),
                    xml = table.Column<string>(type: "TEXT", nullable: true)
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
