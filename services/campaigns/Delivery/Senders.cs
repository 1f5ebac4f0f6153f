using System.Net.Http.Json;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MassTransit;
using Platform.Campaigns.Domain;
using Platform.Campaigns.Persistence;
using Platform.Contracts.Campaigns;
using Platform.Contracts.Syncs;

namespace Platform.Campaigns.Delivery;

/// <summary>What a send ended in: delivered (or only sent), or failed with a reason a person can act on.</summary>
internal sealed record SendResult(bool Ok, bool Delivered, string? Failure)
{
    public static SendResult Success(bool delivered = true) => new(true, delivered, null);
    public static SendResult Fail(string reason) => new(false, false, reason);
}

/// <summary>Email over SMTP (MailKit); one connection is kept open across a batch.</summary>
internal sealed class SmtpSender(CampaignsOptions options) : IAsyncDisposable
{
    private SmtpClient? _client;

    public async Task<SendResult> SendAsync(WorkflowNode step, DeliveryStore.Claimed row, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(row.Email))
        {
            return SendResult.Fail("the person has no email address");
        }
        var message = EmailComposer.Compose(step, row.Email, row.FirstName, row.DisplayName, row.TrackingToken, options);
        try
        {
            var client = await ConnectAsync(cancellationToken);
            await client.SendAsync(message, cancellationToken);
            return SendResult.Success();
        }
        catch (SmtpCommandException ex) when (ex.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted)
        {
            return SendResult.Fail($"the SMTP server refused the message ({(int)ex.StatusCode}): {ex.Message}");
        }
        catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or IOException or System.Net.Sockets.SocketException
            or ServiceNotConnectedException or AuthenticationException or SslHandshakeException)
        {
            await ResetAsync();
            return SendResult.Fail($"SMTP {options.Smtp.Host}:{options.Smtp.Port} failed: {ex.Message}");
        }
    }

    private async Task<SmtpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_client is { IsConnected: true })
        {
            return _client;
        }
        await ResetAsync();
        var client = new SmtpClient { Timeout = options.Smtp.TimeoutSeconds * 1000 };
        await client.ConnectAsync(options.Smtp.Host, options.Smtp.Port,
            Enum.TryParse<SecureSocketOptions>(options.Smtp.Security, true, out var security) ? security : SecureSocketOptions.StartTlsWhenAvailable,
            cancellationToken);
        if (!string.IsNullOrEmpty(options.Smtp.Username))
        {
            await client.AuthenticateAsync(options.Smtp.Username, options.Smtp.Password ?? "", cancellationToken);
        }
        return _client = client;
    }

    private async Task ResetAsync()
    {
        if (_client is null)
        {
            return;
        }
        try
        {
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync(true);
            }
        }
        catch (Exception ex) when (ex is IOException or SmtpProtocolException or ServiceNotConnectedException)
        {
            // Already broken: nothing to close politely.
        }
        _client.Dispose();
        _client = null;
    }

    public async ValueTask DisposeAsync() => await ResetAsync();
}

/// <summary>An outgoing webhook: a JSON POST per recipient; 2xx is delivered.</summary>
internal sealed class WebhookSender(IHttpClientFactory httpClients)
{
    public const string HttpClientName = "campaign-webhooks";

    public async Task<SendResult> SendAsync(WorkflowNode step, DeliveryStore.Claimed row, CancellationToken cancellationToken)
    {
        var http = httpClients.CreateClient(HttpClientName);
        var body = new
        {
            campaignId = row.CampaignId,
            executionId = row.ExecutionId,
            recipientId = row.Id,
            stepId = row.StepId,
            workspaceId = row.WorkspaceId,
            clientId = row.CustomerId,
            email = row.Email,
            phone = row.Phone,
            name = row.DisplayName,
        };
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, step.Str("url")) { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", row.Id.ToString());
            using var response = await http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode
                ? SendResult.Success()
                : SendResult.Fail($"the webhook answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return SendResult.Fail($"the webhook could not be reached: {ex.Message}");
        }
    }
}

/// <summary>ManyChat: a command to the ManyChat connector; the row is sent now and delivered when the connector answers.</summary>
internal sealed class ManyChatSender(IBus endpoints)
{
    public async Task<SendResult> SendAsync(WorkflowNode step, DeliveryStore.Claimed row, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(row.ManychatSubscriberId))
        {
            return SendResult.Fail("the person has no ManyChat subscriber id");
        }
        var endpoint = await endpoints.GetSendEndpoint(ConnectorQueues.For("manychat"));
        var flow = step.Str("flowNs");
        await endpoint.Send(new RunManyChatAction
        {
            WorkspaceId = row.WorkspaceId,
            CorrelationId = row.ExecutionId,
            ActionId = row.Id,
            CampaignId = row.CampaignId,
            ClientId = row.CustomerId,
            SubscriberId = row.ManychatSubscriberId,
            Kind = flow is not null ? ManyChatActionKinds.SendFlow : ManyChatActionKinds.AddTag,
            FlowNs = flow,
            TagName = step.Str("tag"),
        }, cancellationToken);
        return SendResult.Success(delivered: false);
    }
}
