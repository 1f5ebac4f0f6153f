namespace Platform.Campaigns.Domain;

/// <summary>Settings of the service (section <c>Campaigns</c>).</summary>
internal sealed class CampaignsOptions
{
    public const string Section = "Campaigns";

    /// <summary>Where tracking links and the open pixel point: the gateway's public address.</summary>
    public string TrackingBaseUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>Salt of the suppression list's hashes (set a secret per deployment; never log it).</summary>
    public string SuppressionSalt { get; set; } = "campaigns";

    public SmtpOptions Smtp { get; set; } = new();

    public DeliveryOptions Delivery { get; set; } = new();

    /// <summary>How churn risk and segments are rated from the sales totals (the same rule and defaults as aggregation's customer_360).</summary>
    public SegmentRules Segments { get; set; } = new();
}

/// <summary>The SMTP relay that email steps go through.</summary>
internal sealed class SmtpOptions
{
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 25;
    /// <summary><c>None</c>, <c>StartTls</c>, <c>StartTlsWhenAvailable</c> or <c>SslOnConnect</c> (MailKit's SecureSocketOptions).</summary>
    public string Security { get; set; } = "StartTlsWhenAvailable";
    public string? Username { get; set; }
    public string? Password { get; set; }
    /// <summary>The From address of campaign email.</summary>
    public string From { get; set; } = "campaigns@localhost";
    public string FromName { get; set; } = "Campaigns";
    public int TimeoutSeconds { get; set; } = 30;
}

/// <summary>How the delivery worker takes and sends recipients.</summary>
internal sealed class DeliveryOptions
{
    /// <summary>How often the worker looks for due recipients when nothing woke it.</summary>
    public double PollSeconds { get; set; } = 1;
    /// <summary>Recipients one worker claims at once.</summary>
    public int BatchSize { get; set; } = 50;
    /// <summary>How long a claim holds; a worker that died lets its claimed (not attempted) rows go after this.</summary>
    public double LeaseSeconds { get; set; } = 30;
    /// <summary>Most messages sent per second by one worker (an SMTP provider's limit); 0 = no limit.</summary>
    public double MaxPerSecond { get; set; }
    /// <summary>Timeout of an outgoing webhook call.</summary>
    public double WebhookTimeoutSeconds { get; set; } = 10;
}

/// <summary>Churn risk and segment rules (the ratio is days since the last sale over the client's purchase rhythm).</summary>
internal sealed class SegmentRules
{
    public int NewCustomerDays { get; set; } = 30;
    public double DefaultPurchaseIntervalDays { get; set; } = 90;
    public double MediumRiskRatio { get; set; } = 1.5;
    public double HighRiskRatio { get; set; } = 3;
    public double ChurnedRatio { get; set; } = 6;
    public int ChurnedMinDays { get; set; } = 90;
    public Dictionary<string, decimal> VipLtv { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
