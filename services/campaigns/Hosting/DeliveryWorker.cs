using Platform.Campaigns.Delivery;
using Platform.Campaigns.Domain;
using Platform.Campaigns.Persistence;

namespace Platform.Campaigns.Hosting;

/// <summary>
/// The loop that runs executions: recovers rows a dead sender left, launches scheduled campaigns that are due, advances
/// people past waits and branches, then claims due recipients and sends them one by one (attempt committed before each
/// send, outcome committed after). Woken by a launch; otherwise polls.
/// </summary>
internal sealed partial class DeliveryWorker(
    DeliveryStore store, ExecutionStore executions, CampaignLauncher launcher, DeliverySignal signal, CampaignsOptions options,
    WebhookSender webhooks, ManyChatSender manyChat, ILogger<DeliveryWorker> logger) : BackgroundService
{
    private readonly Guid _worker = Guid.NewGuid();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var smtp = new SmtpSender(options);
        var poll = TimeSpan.FromSeconds(Math.Max(0.05, options.Delivery.PollSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = 0;
            try
            {
                await store.RecoverInterruptedAsync(stoppingToken);
                foreach (var campaign in await executions.DueScheduledCampaignsAsync(stoppingToken))
                {
                    var at = campaign.ScheduledAt!.Value.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
                    await launcher.LaunchAsync(campaign, "scheduled", "schedule:" + at, null, stoppingToken);
                }
                await executions.AdvanceAsync(stoppingToken);
                sent = await SendDueAsync(smtp, stoppingToken);
                if (sent > 0)
                {
                    await executions.AdvanceAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogLoopFailed(logger, ex);
            }
            if (sent == 0)
            {
                try
                {
                    await signal.WaitAsync(poll, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<int> SendDueAsync(SmtpSender smtp, CancellationToken cancellationToken)
    {
        var claimed = await store.ClaimAsync(_worker, cancellationToken);
        var gap = options.Delivery.MaxPerSecond > 0 ? TimeSpan.FromSeconds(1 / options.Delivery.MaxPerSecond) : TimeSpan.Zero;
        var count = 0;
        foreach (var row in claimed)
        {
            var workflow = await executions.SnapshotAsync(row.ExecutionId, cancellationToken);
            if (!await store.AttemptAsync(_worker, row.Id, cancellationToken))
            {
                continue;
            }
            if (row.OptedOut == true)
            {
                await store.FailedAsync(row.Id, "the person opted out before this step", cancellationToken);
                continue;
            }
            var step = workflow.Node(row.StepId);
            // Not the stopping token: once attempted, the send and its outcome finish together (a kill -9 is what the
            // attempted mark is for).
            var result = row.Channel switch
            {
                "email" => await smtp.SendAsync(step, row, CancellationToken.None),
                "webhook" => await webhooks.SendAsync(step, row, CancellationToken.None),
                "manychat" => await manyChat.SendAsync(step, row, CancellationToken.None),
                _ => SendResult.Fail($"channel {row.Channel} has no sender"),
            };
            if (result.Ok)
            {
                await store.SentAsync(row.Id, result.Delivered, CancellationToken.None);
            }
            else
            {
                LogSendFailed(logger, row.Id, row.Channel);
                await store.FailedAsync(row.Id, result.Failure!, CancellationToken.None);
            }
            count++;
            if (gap > TimeSpan.Zero)
            {
                await Task.Delay(gap, cancellationToken);
            }
        }
        return count;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The delivery loop failed; it tries again at the next tick")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);

    // The reason stays on the recipient row: an SMTP answer may quote the address, and addresses never go to logs.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Recipient {RecipientId} ({Channel}) failed; the reason is on the recipient")]
    private static partial void LogSendFailed(ILogger logger, Guid recipientId, string channel);
}
