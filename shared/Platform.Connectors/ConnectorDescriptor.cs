namespace Platform.Connectors;

/// <summary>Names of one connector: source <c>stripe</c> → service, schema and queue <c>connector-stripe</c>.</summary>
public sealed record ConnectorDescriptor(string Source)
{
    /// <summary>Kebab-case service name, also its schema, queue prefix and configuration section.</summary>
    public string ServiceName => $"connector-{Source}";

    /// <summary>The database schema the connector owns.</summary>
    public string Schema => ServiceName;
}
