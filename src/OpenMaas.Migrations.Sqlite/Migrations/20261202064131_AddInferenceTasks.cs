using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpenMaas.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AddInferenceTasks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "inference_tasks",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false, collation: "BINARY"),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UserId = table.Column<long>(type: "INTEGER", nullable: false),
                    TokenId = table.Column<long>(type: "INTEGER", nullable: true),
                    ModelId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    QuotaDay = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    RequestId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Request = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    HeartbeatAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    FinishedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    Node = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Outputs = table.Column<string>(type: "TEXT", nullable: true),
                    ErrorCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ErrorMessage = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inference_tasks", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_inference_tasks_Status_CreatedAt",
                table: "inference_tasks",
                columns: new[] { "Status", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "inference_tasks");
        }
    }
}
