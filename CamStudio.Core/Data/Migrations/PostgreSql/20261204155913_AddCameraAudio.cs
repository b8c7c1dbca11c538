using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CamStudio.Core.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class AddCameraAudio : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "audio",
                table: "cameras",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "audio",
                table: "cameras");
        }
    }
}
