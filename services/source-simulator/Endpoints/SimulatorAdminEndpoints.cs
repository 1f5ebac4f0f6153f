using Microsoft.AspNetCore.Http.HttpResults;
using Platform.SourceSimulator.Accounts;
using Platform.SourceSimulator.Domain.Stripe;
using Platform.SourceSimulator.Traffic;
using Platform.SourceSimulator.Webhooks;

namespace Platform.SourceSimulator.Endpoints;

/// <summary>
/// An account to serve. <c>Warm</c> true: the answer comes once the account's dataset is generated (a benchmark's clock
/// then measures the sync, not the vendor's data being made); otherwise the first request to the account generates it.
/// </summary>
internal sealed record AccountRequest(string? Source, string? Credential, int? Seed, int? Size, int? RatePermits, double? RatePeriodSeconds,
    string? Company = null, bool? Warm = null);

internal sealed record AccountView(string Source, string Credential, int Seed, int Size, int? RatePermits, double? RatePeriodSeconds, string? Company)
{
    public static AccountView Of(Account a) =>
        new(a.Source.Name(), a.Credential, a.Seed, a.Size, a.RateLimit?.Permits, a.RateLimit?.Period.TotalSeconds, a.Company);
}

internal sealed record FaultRequest(string? Source, string? Credential, string? Kind, int? Count, int? DelayMs, int? FromRequest, int? RetryAfterSeconds, int? Status);

internal sealed record FaultView(Guid Id, string Source, string? Credential, string Kind, int Remaining, int DelayMs, int FromRequest, int RetryAfterSeconds, int? Status, int Applied)
{
    public static FaultView Of(Fault f) =>
        new(f.Id, f.Source.Name(), f.Credential, f.Kind, f.Remaining, f.DelayMs, f.FromRequest, f.RetryAfterSeconds, f.Status, f.Applied);
}

internal sealed record MutateRequest(string? Source, string? Credential, int? Count);

internal sealed record MutateResult(string Source, string Credential, IReadOnlyList<ChangedRecord> Updated, IReadOnlyList<ChangedRecord> Created, IReadOnlyList<string> Events);

internal sealed record WebhookRequest(string? Source, string? Credential, string? Target, string? Secret, string? Kind, int? Count);

internal sealed record WebhookResult(string Source, string Kind, int Delivered, IReadOnlyList<WebhookDelivery> Deliveries);

/// <summary>
/// The simulator's own API under <c>/_simulator</c>: accounts, traffic stats, faults, mutations and webhook sending.
/// Errors are ProblemDetails; vendor endpoints answer in each vendor's shapes instead.
/// </summary>
internal static class SimulatorAdminEndpoints
{
    public const int MaxMutations = 10_000;
    public const int MaxWebhooks = 100;

    public static IEndpointRouteBuilder MapSimulatorAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/_simulator").WithTags("Simulator");
        group.MapPost("/accounts", CreateAccount).WithName("CreateAccount");
        group.MapGet("/accounts", ListAccounts).WithName("ListAccounts");
        group.MapGet("/stats", GetStats).WithName("GetStats");
        group.MapDelete("/stats", ResetStats).WithName("ResetStats");
        group.MapPost("/faults", AddFault).WithName("AddFault");
        group.MapGet("/faults", ListFaults).WithName("ListFaults");
        group.MapDelete("/faults", ClearFaults).WithName("ClearFaults");
        group.MapPost("/mutate", Mutate).WithName("Mutate");
        group.MapPost("/webhooks", SendWebhooks).WithName("SendWebhooks");
        return app;
    }

    private static Results<Created<AccountView>, Ok<AccountView>, ValidationProblem, ProblemHttpResult> CreateAccount(AccountRequest request, AccountRegistry accounts)
    {
        var (account, error, outcome) = accounts.CreateOrGet(new AccountSettings
        {
            Source = request.Source ?? "",
            Credential = request.Credential ?? "",
            Seed = request.Seed ?? 42,
            Size = request.Size ?? 500,
            RatePermits = request.RatePermits,
            RatePeriod = request.RatePeriodSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            Company = request.Company,
        });
        if (request.Warm == true && account is not null)
        {
            account.Warm();
        }
        return outcome switch
        {
            AccountOutcome.Created => TypedResults.Created($"/_simulator/accounts?source={account!.Source.Name()}", AccountView.Of(account)),
            AccountOutcome.Existing => TypedResults.Ok(AccountView.Of(account!)),
            AccountOutcome.Conflict => TypedResults.Problem(error, statusCode: StatusCodes.Status409Conflict, title: "The credential is taken"),
            _ => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["account"] = [error!] }, title: "The account cannot be created"),
        };
    }

    private static Ok<AccountView[]> ListAccounts(AccountRegistry accounts) => TypedResults.Ok(accounts.All.Select(AccountView.Of).ToArray());

    private static Results<Ok<TrafficSnapshot>, ProblemHttpResult> GetStats(string? source, string? credential, TrafficStats stats, AccountRegistry accounts, VendorGate gate)
    {
        if (!Vendors.TryParse(source, out var vendor) || string.IsNullOrEmpty(credential))
        {
            return TypedResults.Problem($"Give source ({Vendors.All}) and credential, e.g. /_simulator/stats?source=stripe&credential=sk_test_simulator_demo.",
                statusCode: StatusCodes.Status400BadRequest, title: "source and credential are required");
        }
        var key = KeyOf(vendor, credential);
        var limit = gate.EffectiveLimit(vendor, accounts.Find(vendor, key));
        var snapshot = stats.Find(vendor, key)?.Snapshot(vendor.Name(), credential, limit.Period, limit.Permits > 0 ? limit.Permits : null)
            ?? new TrafficSnapshot(vendor.Name(), credential, 0, 0, 0, limit.Period.TotalSeconds, limit.Permits > 0 ? limit.Permits : null, []);
        return TypedResults.Ok(snapshot);
    }

    private static NoContent ResetStats(string? source, string? credential, TrafficStats stats)
    {
        Vendor? vendor = Vendors.TryParse(source, out var parsed) ? parsed : null;
        stats.Reset(vendor, vendor is { } v && credential is not null ? KeyOf(v, credential) : credential);
        return TypedResults.NoContent();
    }

    private static Results<Created<FaultView>, ValidationProblem> AddFault(FaultRequest request, FaultInjector faults)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Vendors.TryParse(request.Source, out var vendor))
        {
            errors["source"] = [$"source must be one of {Vendors.All}."];
        }
        var kind = FaultKinds.All.FirstOrDefault(k => string.Equals(k, request.Kind, StringComparison.OrdinalIgnoreCase));
        if (kind is null)
        {
            errors["kind"] = [$"kind must be one of {string.Join(", ", FaultKinds.All)}."];
        }
        if (request.Count is < 1)
        {
            errors["count"] = ["count must be at least 1."];
        }
        if (kind == FaultKinds.Slow && request.DelayMs is not > 0)
        {
            errors["delayMs"] = ["a slow fault needs delayMs > 0."];
        }
        if (request.FromRequest is < 1)
        {
            errors["fromRequest"] = ["fromRequest is 1-based: 1 is the next request."];
        }
        if (request.Status is { } status && status is < 500 or > 599)
        {
            errors["status"] = ["status must be a 5xx code."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The fault cannot be added");
        }
        var fault = new Fault
        {
            Id = Guid.NewGuid(),
            Source = vendor,
            Credential = string.IsNullOrEmpty(request.Credential) ? null : KeyOf(vendor, request.Credential),
            Kind = kind!,
            Remaining = request.Count ?? 1,
            DelayMs = request.DelayMs ?? 0,
            FromRequest = request.FromRequest ?? 1,
            RetryAfterSeconds = Math.Max(0, request.RetryAfterSeconds ?? 1),
            Status = request.Status,
        };
        faults.Add(fault);
        return TypedResults.Created($"/_simulator/faults", FaultView.Of(fault));
    }

    private static Ok<FaultView[]> ListFaults(FaultInjector faults) => TypedResults.Ok(faults.List().Select(FaultView.Of).ToArray());

    private static NoContent ClearFaults(string? source, string? credential, FaultInjector faults)
    {
        Vendor? vendor = Vendors.TryParse(source, out var parsed) ? parsed : null;
        faults.Clear(vendor, vendor is { } v && credential is not null ? KeyOf(v, credential) : credential);
        return TypedResults.NoContent();
    }

    private static Results<Ok<MutateResult>, ValidationProblem, ProblemHttpResult> Mutate(MutateRequest request, AccountRegistry accounts, TimeProvider time)
    {
        if (Find(request.Source, request.Credential, accounts) is not { } account)
        {
            return UnknownAccount(request.Source, request.Credential);
        }
        var count = request.Count ?? 10;
        if (count is < 1 or > MaxMutations)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["count"] = [$"count must be between 1 and {MaxMutations}."] });
        }
        var now = time.GetUtcNow();
        var changes = account.Source switch
        {
            Vendor.Stripe => account.Stripe.Mutate(count, now),
            Vendor.Hotmart => account.Hotmart.Mutate(count, now),
            Vendor.GoHighLevel => account.GoHighLevel.Mutate(count, now),
            Vendor.PayPal => new ChangeSet([], [], []),
            Vendor.Sgt => account.Sgt.Mutate(count, now),
            _ => account.Ploomes.Mutate(count, now),
        };
        return TypedResults.Ok(new MutateResult(account.Source.Name(), account.Credential, changes.Updated, changes.Created, changes.Events));
    }

    private static async Task<Results<Ok<WebhookResult>, ValidationProblem, ProblemHttpResult>> SendWebhooks(WebhookRequest request, AccountRegistry accounts,
        WebhookSender sender, CancellationToken cancellationToken)
    {
        if (Find(request.Source, request.Credential, accounts) is not { } account)
        {
            return UnknownAccount(request.Source, request.Credential);
        }
        var errors = new Dictionary<string, string[]>();
        if (!Uri.TryCreate(request.Target, UriKind.Absolute, out var target) || target.Scheme is not ("http" or "https"))
        {
            errors["target"] = ["target must be an absolute http(s) URL, e.g. http://127.0.0.1:5101/webhooks/stripe/demo."];
        }
        if (string.IsNullOrEmpty(request.Secret) && account.Source != Vendor.GoHighLevel)
        {
            errors["secret"] = ["secret is required: the Stripe whsec_ secret, the Hotmart hottok, the Ploomes validation key or the PayPal webhook_id (GoHighLevel signs with the simulator's RSA key)."];
        }
        if (string.IsNullOrEmpty(request.Kind))
        {
            errors["kind"] = ["kind is required, e.g. customer.created, PURCHASE_APPROVED or Deals.Update."];
        }
        else if (WebhookSender.Validate(account.Source, request.Kind) is { } kindError)
        {
            errors["kind"] = [kindError];
        }
        var count = request.Count ?? 1;
        if (count is < 1 or > MaxWebhooks)
        {
            errors["count"] = [$"count must be between 1 and {MaxWebhooks}."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The webhooks cannot be sent");
        }
        var deliveries = await sender.SendAsync(account, target!, request.Secret ?? "", request.Kind!, count, cancellationToken);
        return TypedResults.Ok(new WebhookResult(account.Source.Name(), request.Kind!, deliveries.Count(d => d.Status is >= 200 and < 300), deliveries));
    }

    private static Account? Find(string? source, string? credential, AccountRegistry accounts) =>
        Vendors.TryParse(source, out var vendor) && !string.IsNullOrEmpty(credential) ? accounts.Find(vendor, KeyOf(vendor, credential)) : null;

    private static ProblemHttpResult UnknownAccount(string? source, string? credential) =>
        TypedResults.Problem($"No {source} account has the credential '{credential}'. Create it first with POST /_simulator/accounts.",
            statusCode: StatusCodes.Status404NotFound, title: "Unknown account");

    /// <summary>
    /// Hotmart and PayPal accounts are known by client_id, GoHighLevel ones by token; the whole paired credential is
    /// accepted too.
    /// </summary>
    internal static string KeyOf(Vendor source, string credential) =>
        source.HasPairedCredential() && credential.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon
            ? (source == Vendor.GoHighLevel ? credential[(colon + 1)..] : credential[..colon])
            : credential;
}
