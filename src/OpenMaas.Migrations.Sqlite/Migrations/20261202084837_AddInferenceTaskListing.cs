using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpenMaas.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AddInferenceTaskListing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "CreatedAtMs",
                table: "inference_tasks",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateIndex(
                name: "IX_inference_tasks_UserId_CreatedAtMs",
                table: "inference_tasks",
                columns: new[] { "UserId", "CreatedAtMs" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_inference_tasks_UserId_CreatedAtMs",
                table: "inference_tasks");

            migrationBuilder.DropColumn(
                name: "CreatedAtMs",
                table: "inference_tasks");
        }
    }
}
