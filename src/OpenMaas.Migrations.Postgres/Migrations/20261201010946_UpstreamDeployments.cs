using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace OpenMaas.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class UpstreamDeployments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "upstream_deployments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ModelId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Url = table.Column<string>(type: "text", nullable: false),
                    UpstreamModel = table.Column<string>(type: "text", nullable: false),
                    Weight = table.Column<int>(type: "integer", nullable: false),
                    ProtectedApiKey = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_upstream_deployments", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_upstream_deployments_ModelId_Url_UpstreamModel",
                table: "upstream_deployments",
                columns: new[] { "ModelId", "Url", "UpstreamModel" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "upstream_deployments");
        }
    }
}
