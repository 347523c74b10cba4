using Microsoft.AspNetCore.Http;
using RftInfra.Emulator;

namespace RftInfra.Core.Tests.Emulator;

public class EmulatorErrorMiddlewareTests
{
    [Fact]
    public async Task UnexpectedException_Becomes500InServiceShapeWithoutDetails()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();

        await RftEmulator.HandleErrors(context, _ => throw new InvalidOperationException("secret internal detail at Foo.Bar()"));

        Assert.Equal(500, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        var text = await new StreamReader(context.Response.Body).ReadToEndAsync();
        TestEmulator.AssertError(500, "InternalServerError", (500, TestEmulator.Parse(text)));
        Assert.DoesNotContain("secret", text);
        Assert.DoesNotContain("Foo.Bar", text);
    }

    [Fact]
    public async Task EmulatorException_BecomesItsStatusAndBody()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();

        await RftEmulator.HandleErrors(context, _ => throw EmulatorErrors.MissingField("training_file"));

        context.Response.Body.Position = 0;
        var body = TestEmulator.Parse(await new StreamReader(context.Response.Body).ReadToEndAsync());
        TestEmulator.AssertError(400, "invalidPayload", (context.Response.StatusCode, body), "training_file");
        Assert.Equal("application/json", context.Response.ContentType);
    }

    [Fact]
    public async Task V1_RejectsADatedApiVersion()
    {
        await using var emulator = await TestEmulator.StartAsync();
        TestEmulator.AssertError(400, "BadRequest", await emulator.Get("/openai/v1/files?api-version=2024-10-21"), "api-version");
        Assert.Equal(200, (await emulator.Get("/openai/v1/files?api-version=v1")).Status);
    }

    [Fact]
    public async Task Upload_ExpiresAfterTwoHours()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var (_, upload) = await emulator.Post("/openai/uploads?api-version=2025-04-01-preview", new System.Text.Json.Nodes.JsonObject
        {
            ["bytes"] = 10, ["filename"] = "a.jsonl", ["mime_type"] = "application/jsonl", ["purpose"] = "fine-tune",
        });
        emulator.Time.Advance(TimeSpan.FromHours(2));

        var result = await emulator.Post($"/openai/uploads/{upload!["id"]}/cancel?api-version=2025-04-01-preview");
        TestEmulator.AssertError(400, "invalidPayload", result);
        Assert.Contains("expired", result.Body!["error"]!["message"]!.GetValue<string>());
    }
}
