using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Platform.IdentityResolution.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ResolutionModel : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
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

            // The walking skeleton's clients cannot be rebuilt (it kept no record identifiers); nothing had shipped,
            // so they are dropped and records are resolved again by replaying them from the connectors.
            migrationBuilder.Sql("""delete from "identity-resolution".clients;""");

            migrationBuilder.DropIndex(
                name: "ix_clients_workspace_created",
                schema: "identity-resolution",
                table: "clients");

            migrationBuilder.AddColumn<string>(
                name: "document",
                schema: "identity-resolution",
                table: "clients",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "golden",
                schema: "identity-resolution",
                table: "clients",
                type: "jsonb",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.AddColumn<string>(
                name: "identifiers",
                schema: "identity-resolution",
                table: "clients",
                type: "jsonb",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<Guid>(
                name: "merged_into_id",
                schema: "identity-resolution",
                table: "clients",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "record_count",
                schema: "identity-resolution",
                table: "clients",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "status",
                schema: "identity-resolution",
                table: "clients",
                type: "text",
                nullable: false,
                defaultValue: "active");

            migrationBuilder.CreateTable(
                name: "identifier_values",
                schema: "identity-resolution",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    workspace_id = table.Column<string>(type: "text", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    value = table.Column<string>(type: "text", nullable: false),
                    blocked_reason = table.Column<string>(type: "text", nullable: true),
                    blocked_detail = table.Column<string>(type: "text", nullable: true),
                    blocked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    operator_allowed = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_identifier_values", x => x.id);
                    table.CheckConstraint("ck_identifier_values_blocked_reason", "blocked_reason in ('configured', 'detected', 'operator')");
                });

            migrationBuilder.CreateTable(
                name: "merge_conflicts",
                schema: "identity-resolution",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<string>(type: "text", nullable: false),
                    client_a_id = table.Column<Guid>(type: "uuid", nullable: false),
                    client_b_id = table.Column<Guid>(type: "uuid", nullable: false),
                    identifier_kind = table.Column<string>(type: "text", nullable: false),
                    identifier_value = table.Column<string>(type: "text", nullable: false),
                    rule = table.Column<string>(type: "text", nullable: false),
                    record_a_id = table.Column<long>(type: "bigint", nullable: false),
                    record_b_id = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    resolved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decision_id = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_merge_conflicts", x => x.id);
                    table.CheckConstraint("ck_merge_conflicts_status", "status in ('open', 'merged', 'kept_apart', 'superseded')");
                });

            migrationBuilder.CreateTable(
                name: "operator_decisions",
                schema: "identity-resolution",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    workspace_id = table.Column<string>(type: "text", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    conflict_id = table.Column<Guid>(type: "uuid", nullable: true),
                    client_id = table.Column<Guid>(type: "uuid", nullable: true),
                    value_id = table.Column<long>(type: "bigint", nullable: true),
                    note = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    superseded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    superseded_by_id = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_operator_decisions", x => x.id);
                    table.CheckConstraint("ck_operator_decisions_kind", "kind in ('merge', 'keep_apart', 'split', 'block_value', 'unblock_value')");
                });

            migrationBuilder.CreateTable(
                name: "records",
                schema: "identity-resolution",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    workspace_id = table.Column<string>(type: "text", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    entity_type = table.Column<string>(type: "text", nullable: false),
                    external_id = table.Column<string>(type: "text", nullable: false),
                    raw_record_id = table.Column<long>(type: "bigint", nullable: false),
                    source_updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    staged_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    correlation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    client_id = table.Column<Guid>(type: "uuid", nullable: true),
                    status = table.Column<string>(type: "text", nullable: false),
                    status_reason = table.Column<string>(type: "text", nullable: true),
                    fields = table.Column<string>(type: "jsonb", nullable: false),
                    unusable_identifiers = table.Column<string>(type: "jsonb", nullable: false),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    first_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    linked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_records", x => x.id);
                    table.CheckConstraint("ck_records_status", "status in ('linked', 'skipped', 'waiting')");
                    table.ForeignKey(
                        name: "fk_records_clients",
                        column: x => x.client_id,
                        principalSchema: "identity-resolution",
                        principalTable: "clients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "workspace_settings",
                schema: "identity-resolution",
                columns: table => new
                {
                    workspace_id = table.Column<string>(type: "text", nullable: false),
                    settings = table.Column<string>(type: "jsonb", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_workspace_settings", x => x.workspace_id);
                });

            migrationBuilder.CreateTable(
                name: "operator_decision_records",
                schema: "identity-resolution",
                columns: table => new
                {
                    decision_id = table.Column<long>(type: "bigint", nullable: false),
                    record_id = table.Column<long>(type: "bigint", nullable: false),
                    side = table.Column<short>(type: "smallint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_operator_decision_records", x => new { x.decision_id, x.record_id });
                    table.CheckConstraint("ck_operator_decision_records_side", "side in (1, 2)");
                    table.ForeignKey(
                        name: "fk_operator_decision_records_decisions",
                        column: x => x.decision_id,
                        principalSchema: "identity-resolution",
                        principalTable: "operator_decisions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_operator_decision_records_records",
                        column: x => x.record_id,
                        principalSchema: "identity-resolution",
                        principalTable: "records",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "record_identifiers",
                schema: "identity-resolution",
                columns: table => new
                {
                    record_id = table.Column<long>(type: "bigint", nullable: false),
                    value_id = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_record_identifiers", x => new { x.record_id, x.value_id });
                    table.ForeignKey(
                        name: "fk_record_identifiers_identifier_values",
                        column: x => x.value_id,
                        principalSchema: "identity-resolution",
                        principalTable: "identifier_values",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_record_identifiers_records",
                        column: x => x.record_id,
                        principalSchema: "identity-resolution",
                        principalTable: "records",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_clients_workspace_status_created",
                schema: "identity-resolution",
                table: "clients",
                columns: new[] { "workspace_id", "status", "created_at", "id" });

            migrationBuilder.AddCheckConstraint(
                name: "ck_clients_status",
                schema: "identity-resolution",
                table: "clients",
                sql: "status in ('active', 'merged', 'dissolved')");

            migrationBuilder.CreateIndex(
                name: "ix_identifier_values_workspace_blocked",
                schema: "identity-resolution",
                table: "identifier_values",
                columns: new[] { "workspace_id", "blocked_at" },
                filter: "blocked_reason is not null");

            migrationBuilder.CreateIndex(
                name: "ux_identifier_values_workspace_kind_value",
                schema: "identity-resolution",
                table: "identifier_values",
                columns: new[] { "workspace_id", "kind", "value" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_merge_conflicts_client_a",
                schema: "identity-resolution",
                table: "merge_conflicts",
                column: "client_a_id");

            migrationBuilder.CreateIndex(
                name: "ix_merge_conflicts_client_b",
                schema: "identity-resolution",
                table: "merge_conflicts",
                column: "client_b_id");

            migrationBuilder.CreateIndex(
                name: "ix_merge_conflicts_workspace_status",
                schema: "identity-resolution",
                table: "merge_conflicts",
                columns: new[] { "workspace_id", "status", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ux_merge_conflicts_open",
                schema: "identity-resolution",
                table: "merge_conflicts",
                columns: new[] { "workspace_id", "client_a_id", "client_b_id", "identifier_kind", "identifier_value" },
                unique: true,
                filter: "status = 'open'");

            migrationBuilder.CreateIndex(
                name: "ix_operator_decision_records_record",
                schema: "identity-resolution",
                table: "operator_decision_records",
                column: "record_id");

            migrationBuilder.CreateIndex(
                name: "ix_operator_decisions_workspace_created",
                schema: "identity-resolution",
                table: "operator_decisions",
                columns: new[] { "workspace_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_record_identifiers_value",
                schema: "identity-resolution",
                table: "record_identifiers",
                columns: new[] { "value_id", "record_id" });

            migrationBuilder.CreateIndex(
                name: "ix_records_client",
                schema: "identity-resolution",
                table: "records",
                column: "client_id");

            migrationBuilder.CreateIndex(
                name: "ix_records_workspace_status",
                schema: "identity-resolution",
                table: "records",
                columns: new[] { "workspace_id", "status", "id" });

            migrationBuilder.CreateIndex(
                name: "ux_records_workspace_source_type_external",
                schema: "identity-resolution",
                table: "records",
                columns: new[] { "workspace_id", "source", "entity_type", "external_id" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "merge_conflicts",
                schema: "identity-resolution");

            migrationBuilder.DropTable(
                name: "operator_decision_records",
                schema: "identity-resolution");

            migrationBuilder.DropTable(
                name: "record_identifiers",
                schema: "identity-resolution");

            migrationBuilder.DropTable(
                name: "workspace_settings",
                schema: "identity-resolution");

            migrationBuilder.DropTable(
                name: "operator_decisions",
                schema: "identity-resolution");

            migrationBuilder.DropTable(
                name: "identifier_values",
                schema: "identity-resolution");

            migrationBuilder.DropTable(
                name: "records",
                schema: "identity-resolution");

            migrationBuilder.DropIndex(
                name: "ix_clients_workspace_status_created",
                schema: "identity-resolution",
                table: "clients");

            migrationBuilder.DropCheckConstraint(
                name: "ck_clients_status",
                schema: "identity-resolution",
                table: "clients");

            migrationBuilder.DropColumn(
                name: "document",
                schema: "identity-resolution",
                table: "clients");

            migrationBuilder.DropColumn(
                name: "golden",
                schema: "identity-resolution",
                table: "clients");

            migrationBuilder.DropColumn(
                name: "identifiers",
                schema: "identity-resolution",
                table: "clients");

            migrationBuilder.DropColumn(
                name: "merged_into_id",
                schema: "identity-resolution",
                table: "clients");

            migrationBuilder.DropColumn(
                name: "record_count",
                schema: "identity-resolution",
                table: "clients");

            migrationBuilder.DropColumn(
                name: "status",
                schema: "identity-resolution",
                table: "clients");

            migrationBuilder.CreateTable(
                name: "client_identifiers",
                schema: "identity-resolution",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    first_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    value = table.Column<string>(type: "text", nullable: false),
                    workspace_id = table.Column<string>(type: "text", nullable: false)
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
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    entity_type = table.Column<string>(type: "text", nullable: false),
                    external_id = table.Column<string>(type: "text", nullable: false),
                    linked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    raw_record_id = table.Column<long>(type: "bigint", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    workspace_id = table.Column<string>(type: "text", nullable: false)
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

            migrationBuilder.CreateTable(
                name: "skipped_records",
                schema: "identity-resolution",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    entity_type = table.Column<string>(type: "text", nullable: false),
                    external_id = table.Column<string>(type: "text", nullable: false),
                    raw_record_id = table.Column<long>(type: "bigint", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: false),
                    skipped_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    workspace_id = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_skipped_records", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_clients_workspace_created",
                schema: "identity-resolution",
                table: "clients",
                columns: new[] { "workspace_id", "created_at", "id" });

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
                name: "ux_skipped_records_workspace_source_raw_record",
                schema: "identity-resolution",
                table: "skipped_records",
                columns: new[] { "workspace_id", "source", "raw_record_id" },
                unique: true);
        }
    }
}
