// Lets tests host the gateway with WebApplicationFactory<Program>.
public partial class Program;
