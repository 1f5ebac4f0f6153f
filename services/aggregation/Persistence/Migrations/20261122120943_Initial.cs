using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Platform.Aggregation.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "aggregation");

            migrationBuilder.CreateTable(
                name: "client_records",
                schema: "aggregation",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    workspace_id = table.Column<string>(type: "text", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    entity_type = table.Column<string>(type: "text", nullable: false),
                    external_id = table.Column<string>(type: "text", nullable: false),
                    client_id = table.Column<Guid>(type: "uuid", nullable: true),
                    client_version = table.Column<long>(type: "bigint", nullable: false),
                    raw_record_id = table.Column<long>(type: "bigint", nullable: false),
                    source_updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    attributes = table.Column<string>(type: "jsonb", nullable: false),
                    tags = table.Column<string[]>(type: "text[]", nullable: false),
                    is_customer = table.Column<bool>(type: "boolean", nullable: false),
                    plan = table.Column<string>(type: "text", nullable: true),
                    plan_rank = table.Column<int>(type: "integer", nullable: false),
                    sgt_extras = table.Column<string>(type: "jsonb", nullable: true),
                    first_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_client_records", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "clients",
                schema: "aggregation",
                columns: table => new
                {
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<string>(type: "text", nullable: false),
                    display_name = table.Column<string>(type: "text", nullable: true),
                    primary_email = table.Column<string>(type: "text", nullable: true),
                    primary_phone = table.Column<string>(type: "text", nullable: true),
                    document = table.Column<string>(type: "text", nullable: true),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_clients", x => x.client_id);
                });

            migrationBuilder.CreateTable(
                name: "cs_customers",
                schema: "aggregation",
                columns: table => new
                {
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    became_reason = table.Column<string>(type: "text", nullable: false),
                    became_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    tags = table.Column<string[]>(type: "text[]", nullable: false),
                    plano_atual = table.Column<string>(type: "text", nullable: true),
                    sgt_dados_extras = table.Column<string>(type: "jsonb", nullable: false),
                    sgt_last_sync_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cs_customers", x => x.client_id);
                    table.CheckConstraint("ck_cs_customers_reason", "became_reason in ('won_deal', 'paid_purchase', 'source_tag')");
                    table.CheckConstraint("ck_cs_customers_status", "status in ('active', 'inactive')");
                });

            migrationBuilder.CreateTable(
                name: "customer_360",
                schema: "aggregation",
                columns: table => new
                {
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<string>(type: "text", nullable: false),
                    segment = table.Column<string>(type: "text", nullable: false),
                    churn_risk = table.Column<string>(type: "text", nullable: true),
                    ltv = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: true),
                    ltv_currency = table.Column<string>(type: "text", nullable: true),
                    ltv_by_currency = table.Column<string>(type: "jsonb", nullable: false),
                    purchase_count = table.Column<int>(type: "integer", nullable: false),
                    first_purchase_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_purchase_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    purchase_interval_days = table.Column<decimal>(type: "numeric(10,2)", precision: 10, scale: 2, nullable: true),
                    total_deposit = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    total_withdraw = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    investment_currency = table.Column<string>(type: "text", nullable: true),
                    last_activity_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    is_cs_customer = table.Column<bool>(type: "boolean", nullable: false),
                    metadata = table.Column<string>(type: "jsonb", nullable: false),
                    segment_computed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_customer_360", x => x.client_id);
                    table.CheckConstraint("ck_customer_360_churn_risk", "churn_risk is null or churn_risk in ('low', 'medium', 'high')");
                    table.CheckConstraint("ck_customer_360_segment", "segment in ('lead', 'new', 'active', 'at_risk', 'churned', 'vip')");
                });

            migrationBuilder.CreateTable(
                name: "customer_activities",
                schema: "aggregation",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    workspace_id = table.Column<string>(type: "text", nullable: false),
                    client_id = table.Column<Guid>(type: "uuid", nullable: true),
                    source = table.Column<string>(type: "text", nullable: false),
                    entity_type = table.Column<string>(type: "text", nullable: false),
                    external_id = table.Column<string>(type: "text", nullable: false),
                    raw_record_id = table.Column<long>(type: "bigint", nullable: false),
                    type = table.Column<string>(type: "text", nullable: false),
                    title = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "text", nullable: true),
                    amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: true),
                    currency = table.Column<string>(type: "text", nullable: true),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    source_updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    dedupe_key = table.Column<string>(type: "text", nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_customer_activities", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "customer_sales",
                schema: "aggregation",
                columns: table => new
                {
                    client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    currency = table.Column<string>(type: "text", nullable: false),
                    workspace_id = table.Column<string>(type: "text", nullable: false),
                    total_deals = table.Column<int>(type: "integer", nullable: false),
                    won_deals = table.Column<int>(type: "integer", nullable: false),
                    total_sales = table.Column<int>(type: "integer", nullable: false),
                    total_revenue = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    average_deal_value = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    first_purchase_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_purchase_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_customer_sales", x => new { x.client_id, x.currency });
                });

            migrationBuilder.CreateTable(
                name: "merged_clients",
                schema: "aggregation",
                columns: table => new
                {
                    merged_client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<string>(type: "text", nullable: false),
                    survivor_client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    merged_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_merged_clients", x => x.merged_client_id);
                });

            migrationBuilder.CreateTable(
                name: "outbox",
                schema: "aggregation",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    batch_id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_type = table.Column<string>(type: "text", nullable: false),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbox", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "record_moves",
                schema: "aggregation",
                columns: table => new
                {
                    workspace_id = table.Column<string>(type: "text", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    entity_type = table.Column<string>(type: "text", nullable: false),
                    external_id = table.Column<string>(type: "text", nullable: false),
                    from_client_id = table.Column<Guid>(type: "uuid", nullable: false),
                    from_client_version = table.Column<long>(type: "bigint", nullable: false),
                    to_client_id = table.Column<Guid>(type: "uuid", nullable: true),
                    moved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_record_moves", x => new { x.workspace_id, x.source, x.external_id, x.entity_type, x.from_client_id });
                });

            migrationBuilder.CreateTable(
                name: "sales",
                schema: "aggregation",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    workspace_id = table.Column<string>(type: "text", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    entity_type = table.Column<string>(type: "text", nullable: false),
                    external_id = table.Column<string>(type: "text", nullable: false),
                    client_id = table.Column<Guid>(type: "uuid", nullable: true),
                    kind = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    base_status = table.Column<string>(type: "text", nullable: false),
                    source_status = table.Column<string>(type: "text", nullable: false),
                    amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: true),
                    currency = table.Column<string>(type: "text", nullable: true),
                    refunded_amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    disputed_amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    net_amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: true),
                    own_refunded = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    own_disputed = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    adjustment_amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    product = table.Column<string>(type: "text", nullable: true),
                    parent_ref = table.Column<string>(type: "text", nullable: true),
                    payment_ref = table.Column<string>(type: "text", nullable: true),
                    invoice_ref = table.Column<string>(type: "text", nullable: true),
                    cover_rank = table.Column<short>(type: "smallint", nullable: false),
                    superseded_by = table.Column<string>(type: "text", nullable: true),
                    is_counted = table.Column<bool>(type: "boolean", nullable: false),
                    raw_record_id = table.Column<long>(type: "bigint", nullable: false),
                    source_updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    record = table.Column<string>(type: "jsonb", nullable: false),
                    first_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sales", x => x.id);
                    table.CheckConstraint("ck_sales_kind", "kind in ('deal', 'purchase', 'charge', 'invoice', 'transaction', 'refund', 'chargeback', 'deposit', 'withdrawal')");
                    table.CheckConstraint("ck_sales_status", "status in ('open', 'won', 'lost', 'paid', 'pending', 'refunded', 'partially_refunded', 'chargeback', 'cancelled', 'abandoned')");
                });

            migrationBuilder.CreateIndex(
                name: "ix_client_records_client",
                schema: "aggregation",
                table: "client_records",
                column: "client_id");

            migrationBuilder.CreateIndex(
                name: "ux_client_records_key",
                schema: "aggregation",
                table: "client_records",
                columns: new[] { "workspace_id", "source", "external_id", "entity_type" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_cs_customers_tags",
                schema: "aggregation",
                table: "cs_customers",
                column: "tags")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_cs_customers_workspace_status",
                schema: "aggregation",
                table: "cs_customers",
                columns: new[] { "workspace_id", "status", "became_at" });

            migrationBuilder.CreateIndex(
                name: "ix_customer_360_workspace_segment",
                schema: "aggregation",
                table: "customer_360",
                columns: new[] { "workspace_id", "segment" });

            migrationBuilder.CreateIndex(
                name: "ix_customer_activities_timeline",
                schema: "aggregation",
                table: "customer_activities",
                columns: new[] { "client_id", "occurred_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ux_customer_activities_record_key",
                schema: "aggregation",
                table: "customer_activities",
                columns: new[] { "workspace_id", "source", "external_id", "entity_type", "dedupe_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_customer_sales_top",
                schema: "aggregation",
                table: "customer_sales",
                columns: new[] { "workspace_id", "currency", "total_revenue" });

            migrationBuilder.CreateIndex(
                name: "ix_merged_clients_survivor",
                schema: "aggregation",
                table: "merged_clients",
                column: "survivor_client_id");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_batch",
                schema: "aggregation",
                table: "outbox",
                column: "batch_id");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_created",
                schema: "aggregation",
                table: "outbox",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_sales_client_occurred",
                schema: "aggregation",
                table: "sales",
                columns: new[] { "client_id", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_sales_invoice",
                schema: "aggregation",
                table: "sales",
                columns: new[] { "workspace_id", "source", "invoice_ref" },
                filter: "invoice_ref is not null");

            migrationBuilder.CreateIndex(
                name: "ix_sales_parent",
                schema: "aggregation",
                table: "sales",
                columns: new[] { "workspace_id", "source", "parent_ref" },
                filter: "parent_ref is not null");

            migrationBuilder.CreateIndex(
                name: "ix_sales_payment",
                schema: "aggregation",
                table: "sales",
                columns: new[] { "workspace_id", "source", "payment_ref" },
                filter: "payment_ref is not null");

            migrationBuilder.CreateIndex(
                name: "ix_sales_workspace_counted",
                schema: "aggregation",
                table: "sales",
                columns: new[] { "workspace_id", "occurred_at" },
                filter: "is_counted");

            migrationBuilder.CreateIndex(
                name: "ux_sales_key",
                schema: "aggregation",
                table: "sales",
                columns: new[] { "workspace_id", "source", "external_id", "entity_type" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "client_records",
                schema: "aggregation");

            migrationBuilder.DropTable(
                name: "clients",
                schema: "aggregation");

            migrationBuilder.DropTable(
                name: "cs_customers",
                schema: "aggregation");

            migrationBuilder.DropTable(
                name: "customer_360",
                schema: "aggregation");

            migrationBuilder.DropTable(
                name: "customer_activities",
                schema: "aggregation");

            migrationBuilder.DropTable(
                name: "customer_sales",
                schema: "aggregation");

            migrationBuilder.DropTable(
                name: "merged_clients",
                schema: "aggregation");

            migrationBuilder.DropTable(
                name: "outbox",
                schema: "aggregation");

            migrationBuilder.DropTable(
                name: "record_moves",
                schema: "aggregation");

            migrationBuilder.DropTable(
                name: "sales",
                schema: "aggregation");
        }
    }
}
