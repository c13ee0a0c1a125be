using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpenMaas.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AddModelCapabilities : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Capabilities",
                table: "models",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Capabilities",
                table: "models");
        }
    }
}
