using System.Net.Http.Headers;
using System.Text;

namespace RftInfra.Core.Tests.Emulator;

/// <summary>A malformed body is the client's 400 in the service's shape, never a 500 (found by a black-box hostile run).</summary>
public class EmulatorMalformedBodyTests
{
    [Theory]
    [InlineData("{\"model\":\"o4-mini\",\"model\":\"gpt-4o\",\"training_file\":\"f\"}")]
    [InlineData("{\"model\":\"\xff\xfe\"}")]
    public async Task JobCreate_WithDuplicateKeyOrInvalidUtf8_Answers400(string latin1Body)
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var content = new ByteArrayContent(Encoding.Latin1.GetBytes(latin1Body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await emulator.Http.PostAsync("/openai/v1/fine_tuning/jobs", content);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("invalidPayload", body, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("not valid JSON", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileUpload_WithTruncatedMultipart_Answers400()
    {
        await using var emulator = await TestEmulator.StartAsync();
        using var content = new ByteArrayContent(Encoding.ASCII.GetBytes(
            "--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc"));
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=XX");

        using var response = await emulator.Http.PostAsync("/openai/v1/files", content);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("multipart body could not be read", body, StringComparison.Ordinal);
        Assert.Empty(TestEmulator.Parse((await emulator.Http.GetStringAsync("/openai/v1/files")))["data"]!.AsArray());
    }
}
