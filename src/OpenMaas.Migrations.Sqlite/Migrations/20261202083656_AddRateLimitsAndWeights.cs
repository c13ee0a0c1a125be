using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpenMaas.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AddRateLimitsAndWeights : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "OrganizationId",
                table: "usage_log",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Units",
                table: "usage_log",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AlterColumn<int>(
                name: "DailyCalls",
                table: "quota_limits",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "INTEGER");

            migrationBuilder.AddColumn<long>(
                name: "OrganizationId",
                table: "quota_limits",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RequestsPerMinute",
                table: "quota_limits",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "TokenId",
                table: "quota_limits",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "TokensPerMinute",
                table: "quota_limits",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Weight",
                table: "models",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.CreateIndex(
                name: "IX_quota_limits_OrganizationId",
                table: "quota_limits",
                column: "OrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_quota_limits_TokenId",
                table: "quota_limits",
                column: "TokenId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_quota_limits_OrganizationId",
                table: "quota_limits");

            migrationBuilder.DropIndex(
                name: "IX_quota_limits_TokenId",
                table: "quota_limits");

            migrationBuilder.DropColumn(
                name: "OrganizationId",
                table: "usage_log");

            migrationBuilder.DropColumn(
                name: "Units",
                table: "usage_log");

            migrationBuilder.DropColumn(
                name: "OrganizationId",
                table: "quota_limits");

            migrationBuilder.DropColumn(
                name: "RequestsPerMinute",
                table: "quota_limits");

            migrationBuilder.DropColumn(
                name: "TokenId",
                table: "quota_limits");

            migrationBuilder.DropColumn(
                name: "TokensPerMinute",
                table: "quota_limits");

            migrationBuilder.DropColumn(
                name: "Weight",
                table: "models");

            migrationBuilder.AlterColumn<int>(
                name: "DailyCalls",
                table: "quota_limits",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0,
                oldClrType: typeof(int),
                oldType: "INTEGER",
                oldNullable: true);
        }
    }
}
