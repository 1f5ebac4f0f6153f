// Public so tests can host the service with WebApplicationFactory<Program>.
public partial class Program;
