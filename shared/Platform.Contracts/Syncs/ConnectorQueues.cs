namespace Platform.Contracts.Syncs;

/// <summary>Where commands for a connector are sent: one queue per connector, named after its service.</summary>
public static class ConnectorQueues
{
    /// <summary>The queue address of the connector for <paramref name="source"/> (<c>queue:connector-stripe</c>).</summary>
    public static Uri For(string source) => new($"queue:connector-{source}");
}
