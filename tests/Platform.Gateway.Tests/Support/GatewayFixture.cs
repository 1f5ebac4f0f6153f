namespace Platform.Gateway.Tests.Support;

/// <summary>Twelve fake services and one gateway routing to them, shared by the tests of one class.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public DownstreamServices Services { get; } = new();

    public GatewayFactory Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Services.InitializeAsync();
        Gateway = new GatewayFactory(Services.Settings());
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Services.DisposeAsync();
    }
}
