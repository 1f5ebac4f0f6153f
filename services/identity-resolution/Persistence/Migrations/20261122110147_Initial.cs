using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Platform.IdentityResolution.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "identity-resolution");

            migrationBuilder.CreateTable(
                name: "clients",
                schema: "identity-resolution",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<string>(type: "text", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    display_name = table.Column<string>(type: "text", nullable: true),
                    primary_email = table.Column<string>(type: "text", nullable: true),
                    primary_phone = table.Column<string>(type: "text", nullable: true),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_clients", x => x.id);
                    table.CheckConstraint("ck_clients_kind", "kind in ('person', 'company')");
                });

            migrationBuilder.CreateTable(
                name: "skipped_records",
                schema: "identity-resolution",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    workspace_id = table.Column<string>(type: "text", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    raw_record_id = table.Column<long>(type: "bigint", nullable: false),
                    entity_type = table.Column<string>(type: "text", nullable: false),
                    external_id = table.Column<string>(type: "text", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: false),
                    skipped_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_skipped_records", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "client_identifiers",
                schema: "identity-resolution",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    workspace_id = table.Column<string>(type: "text", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    value = table.Column<string>(type: "text", nullable: false),
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    first_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_client_identifiers", x => x.id);
                    table.ForeignKey(
                        name: "fk_client_identifiers_clients",
                        column: x => x.client_id,
                        principalSchema: "identity-resolution",
                        principalTable: "clients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "client_records",
                schema: "identity-resolution",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    workspace_id = table.Column<string>(type: "text", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    raw_record_id = table.Column<long>(type: "bigint", nullable: false),
                    entity_type = table.Column<string>(type: "text", nullable: false),
                    external_id = table.Column<string>(type: "text", nullable: false),
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    linked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_client_records", x => x.id);
                    table.ForeignKey(
                        name: "fk_client_records_clients",
                        column: x => x.client_id,
                        principalSchema: "identity-resolution",
                        principalTable: "clients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_client_identifiers_client",
                schema: "identity-resolution",
                table: "client_identifiers",
                column: "client_id");

            migrationBuilder.CreateIndex(
                name: "ux_client_identifiers_workspace_kind_value",
                schema: "identity-resolution",
                table: "client_identifiers",
                columns: new[] { "workspace_id", "kind", "value" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_client_records_client",
                schema: "identity-resolution",
                table: "client_records",
                column: "client_id");

            migrationBuilder.CreateIndex(
                name: "ux_client_records_workspace_source_raw_record",
                schema: "identity-resolution",
                table: "client_records",
                columns: new[] { "workspace_id", "source", "raw_record_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_clients_workspace_created",
                schema: "identity-resolution",
                table: "clients",
                columns: new[] { "workspace_id", "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ux_skipped_records_workspace_source_raw_record",
                schema: "identity-resolution",
                table: "skipped_records",
                columns: new[] { "workspace_id", "source", "raw_record_id" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "client_identifiers",
                schema: "identity-resolution");

            migrationBuilder.DropTable(
                name: "client_records",
                schema: "identity-resolution");

            migrationBuilder.DropTable(
                name: "skipped_records",
                schema: "identity-resolution");

            migrationBuilder.DropTable(
                name: "clients",
                schema: "identity-resolution");
        }
    }
}
