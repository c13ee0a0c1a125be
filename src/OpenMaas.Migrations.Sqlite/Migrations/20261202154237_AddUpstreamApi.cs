using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpenMaas.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AddUpstreamApi : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Api",
                table: "upstream_deployments",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "openai"); // deployments stored before the column speak OpenAI's API
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Api",
                table: "upstream_deployments");
        }
    }
}
