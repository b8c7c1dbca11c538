using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CamStudio.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddTokenExpiryAndLastUse : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "expires_at",
                table: "api_tokens",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "last_used_at",
                table: "api_tokens",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "expires_at",
                table: "api_tokens");

            migrationBuilder.DropColumn(
                name: "last_used_at",
                table: "api_tokens");
        }
    }
}
