// The same start-up shape as the gateway (slim builder, no config reload watcher), with nothing else: the floor.
var builder = WebApplication.CreateSlimBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);
var app = builder.Build();
app.MapGet("/health/liveliness", () => "I'm alive!");
app.MapPost("/v1/chat/completions", async (HttpRequest request) =>
{
    // Read the body as a proxy would, and answer with a fixed completion.
    using var reader = new StreamReader(request.Body);
    await reader.ReadToEndAsync();
    return Results.Text("""{"id":"floor","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}""", "application/json");
});
app.Run();
