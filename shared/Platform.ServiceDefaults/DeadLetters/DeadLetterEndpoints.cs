using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Platform.ServiceDefaults.DeadLetters;

/// <summary>This service's queues with their dead-lettered counts.</summary>
public sealed record DeadLetterReport(string Service, IReadOnlyList<QueueState> Queues);

/// <summary>
/// <c>GET /dead-letters</c> and <c>POST /dead-letters/{queue}/replay</c> on every service with consumers. Not routed by
/// the gateway as such: the gateway's <c>/api/dead-letters</c> gathers them from every service for operators.
/// </summary>
internal static partial class DeadLetterEndpoints
{
    public const string OperatorHeader = "X-Operator";

    public static IEndpointRouteBuilder MapDeadLetterEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/dead-letters").WithTags("dead-letters").ExcludeFromDescription();
        group.MapGet("", ListAsync);
        group.MapPost("/{queue}/replay", ReplayAsync);
        return app;
    }

    private static async Task<Results<Ok<DeadLetterReport>, ProblemHttpResult>> ListAsync(
        ServiceQueues queues, BrokerQueues broker, MessagingIdentity identity, CancellationToken cancellationToken)
    {
        try
        {
            var states = new List<QueueState>();
            foreach (var queue in queues.Names)
            {
                states.Add(await broker.InspectAsync(queue, cancellationToken));
            }
            return TypedResults.Ok(new DeadLetterReport(identity.ServiceName, states));
        }
        catch (BrokerUnavailableException)
        {
            return BrokerDown();
        }
    }

    private static async Task<Results<Ok<ReplayResult>, ProblemHttpResult>> ReplayAsync(
        string queue, HttpContext http, ServiceQueues queues, BrokerQueues broker, MessagingIdentity identity,
        ILogger<DeadLetterReport> logger, CancellationToken cancellationToken)
    {
        if (!queues.Contains(queue))
        {
            return TypedResults.Problem(
                title: "Unknown queue",
                detail: $"'{queue}' is not a queue of {identity.ServiceName}. Its queues: {string.Join(", ", queues.Names)}.",
                statusCode: StatusCodes.Status404NotFound);
        }
        try
        {
            var result = await broker.ReplayAsync(queue, cancellationToken);
            var who = http.Request.Headers[OperatorHeader].ToString();
            LogReplay(logger, who.Length > 0 ? who : "(no operator header)", result.Replayed, queue);
            return TypedResults.Ok(result);
        }
        catch (BrokerUnavailableException)
        {
            return BrokerDown();
        }
    }

    private static ProblemHttpResult BrokerDown() => TypedResults.Problem(
        title: "The message broker cannot be reached",
        detail: "Queue depths and replays need RabbitMQ; try again when it is back.",
        statusCode: StatusCodes.Status503ServiceUnavailable);

    [LoggerMessage(Level = LogLevel.Information, Message = "Operator {Operator} replayed {Count} dead-lettered messages of {Queue}")]
    private static partial void LogReplay(ILogger logger, string @operator, long count, string queue);
}

/// <summary>The service name given to <c>AddPlatformMessaging</c>.</summary>
public sealed record MessagingIdentity(string ServiceName);
