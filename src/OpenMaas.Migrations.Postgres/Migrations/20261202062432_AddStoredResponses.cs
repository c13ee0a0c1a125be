using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpenMaas.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AddStoredResponses : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "responses",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserId = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAtMs = table.Column<long>(type: "bigint", nullable: false),
                    ModelId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    InputJson = table.Column<string>(type: "text", nullable: false),
                    ResponseJson = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_responses", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_responses_CreatedAtMs",
                table: "responses",
                column: "CreatedAtMs");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "responses");
        }
    }
}
