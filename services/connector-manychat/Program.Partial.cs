#pragma warning disable CA1515 // Tests host the service through WebApplicationFactory<Program>.
public partial class Program;
#pragma warning restore CA1515
