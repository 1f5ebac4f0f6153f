using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Web;

namespace Platform.Connectors.Stripe.Tests;

/// <summary>
/// Stripe's list and events endpoints over an in-memory population (the vendor API is the one thing faked):
/// newest first, <c>starting_after</c>, <c>limit</c>, <c>created</c> bounds, and faults on demand.
/// </summary>
public sealed class FakeStripeApi : HttpMessageHandler
{
    private readonly object _gate = new();
    private readonly List<JsonObject> _customers = [];
    private readonly List<JsonObject> _events = [];
    private int _requests;

    public string ApiKey { get; init; } = "sk_test_fake";

    /// <summary>Delay before each answer (to interrupt a run mid-way).</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Given the 1-based request number, a response to answer instead (a fault), or null.</summary>
    public Func<int, HttpResponseMessage?>? Fault { get; set; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The path of every request answered, in order (<c>v1/customers</c>, <c>v1/events</c>).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Paths { get; } = new();

    /// <summary>Adds an event exactly as given (to send Stripe data the connector cannot read).</summary>
    public void AddRawEvent(JsonObject evt)
    {
        lock (_gate)
        {
            _events.Add(evt);
        }
    }

    public int CustomerCount
    {
        get
        {
            lock (_gate)
            {
                return _customers.Count;
            }
        }
    }

    /// <summary>Adds customers created one minute apart, ending <paramref name="newest"/>.</summary>
    public void AddCustomers(int count, DateTimeOffset newest, string prefix = "cus_fake")
    {
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                var created = newest.AddMinutes(-(count - 1 - i)).ToUnixTimeSeconds();
                _customers.Add(new JsonObject
                {
                    ["id"] = $"{prefix}{_customers.Count:D6}",
                    ["object"] = "customer",
                    ["created"] = created,
                    ["email"] = $"cliente{_customers.Count}@exemplo.com.br",
                    ["name"] = $"Cliente {_customers.Count}",
                    ["phone"] = null,
                });
            }
        }
    }

    /// <summary>Changes a customer's email and records a customer.updated event at <paramref name="at"/>.</summary>
    public void UpdateCustomer(int index, string email, DateTimeOffset at)
    {
        lock (_gate)
        {
            var customer = _customers[index];
            customer["email"] = email;
            _events.Add(new JsonObject
            {
                ["id"] = $"evt_fake{_events.Count:D6}",
                ["object"] = "event",
                ["type"] = "customer.updated",
                ["created"] = at.ToUnixTimeSeconds(),
                ["data"] = new JsonObject { ["object"] = customer.DeepClone() },
            });
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var number = Interlocked.Increment(ref _requests);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, cancellationToken);
        }
        if (Fault?.Invoke(number) is { } fault)
        {
            return fault;
        }
        if (request.Headers.Authorization?.Parameter != ApiKey)
        {
            return Json(HttpStatusCode.Unauthorized, """{"error":{"type":"invalid_request_error","message":"Invalid API Key provided"}}""");
        }
        var path = request.RequestUri!.AbsolutePath.TrimStart('/');
        Paths.Enqueue(path);
        var query = HttpUtility.ParseQueryString(request.RequestUri.Query);
        var limit = int.Parse(query["limit"] ?? "10", System.Globalization.CultureInfo.InvariantCulture);
        List<JsonObject> source;
        lock (_gate)
        {
            source = path switch
            {
                "v1/customers" => [.. _customers],
                "v1/events" => [.. _events],
                _ => [],
            };
        }
        IEnumerable<JsonObject> items = source.OrderByDescending(o => (long?)o["created"] ?? long.MaxValue).ThenByDescending(o => (string)o["id"]!);
        if (query["created[gte]"] is { } gte)
        {
            items = items.Where(o => ((long?)o["created"] ?? long.MaxValue) >= long.Parse(gte, System.Globalization.CultureInfo.InvariantCulture));
        }
        if (query["created[lt]"] is { } lt)
        {
            items = items.Where(o => (long)o["created"]! < long.Parse(lt, System.Globalization.CultureInfo.InvariantCulture));
        }
        var ordered = items.ToList();
        if (query["starting_after"] is { } after)
        {
            var index = ordered.FindIndex(o => (string)o["id"]! == after);
            ordered = ordered.Skip(index + 1).ToList();
        }
        var page = ordered.Take(limit).Select(o => o.DeepClone()).ToArray();
        var body = new JsonObject
        {
            ["object"] = "list",
            ["url"] = "/" + path,
            ["has_more"] = ordered.Count > limit,
            ["data"] = new JsonArray(page),
        };
        return Json(HttpStatusCode.OK, body.ToJsonString());
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    // HttpMessageHandler.Dispose holds nothing; the factory may call it when it recycles handlers.
    protected override void Dispose(bool disposing) => base.Dispose(disposing);
}
