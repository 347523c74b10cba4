using System.Text.Json.Nodes;
using RftInfra.Emulator;

namespace RftInfra.Core.Tests.Emulator;

public class EmulatorFilesTests
{
    [Fact]
    public async Task Upload_IsPendingThenProcessedAfterOnePace()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var (status, file) = await emulator.Upload(TestEmulator.Jsonl);

        Assert.Equal(200, status);
        Assert.StartsWith("file-", file["id"]!.GetValue<string>());
        Assert.Equal("file", file["object"]!.GetValue<string>());
        Assert.Equal("fine-tune", file["purpose"]!.GetValue<string>());
        Assert.Equal("train.jsonl", file["filename"]!.GetValue<string>());
        Assert.Equal(TestEmulator.Jsonl.Length, file["bytes"]!.GetValue<long>());
        Assert.Equal("pending", file["status"]!.GetValue<string>());

        var id = file["id"]!.GetValue<string>();
        emulator.Time.Advance(TestEmulator.Pace);
        var (_, again) = await emulator.Get($"/openai/v1/files/{id}");
        Assert.Equal("processed", again!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Upload_InvalidJsonl_EndsInErrorWithDetails()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var (_, file) = await emulator.Upload("{\"messages\":[]}\nnot json\n");
        emulator.Time.Advance(TestEmulator.Pace);

        var (_, again) = await emulator.Get($"/openai/v1/files/{file["id"]}");
        Assert.Equal("error", again!["status"]!.GetValue<string>());
        Assert.Contains("Line 2", again["status_details"]!.GetValue<string>());
    }

    [Fact]
    public async Task Upload_BadPurposeOrEmptyFile_Answers400NamingTheField()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var badPurpose = await emulator.Upload(TestEmulator.Jsonl, purpose: "training");
        TestEmulator.AssertError(400, "invalidPayload", (badPurpose.Status, badPurpose.Body), "purpose");

        var empty = await emulator.Upload("");
        TestEmulator.AssertError(400, "invalidPayload", (empty.Status, empty.Body), "file");

        var notMultipart = await emulator.Post("/openai/v1/files", new JsonObject { ["purpose"] = "fine-tune" });
        TestEmulator.AssertError(400, "invalidPayload", notMultipart, "file");
    }

    [Fact]
    public async Task Upload_OverSizeLimit_Answers400()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o with { MaxFileBytes = 50 });
        var (status, body) = await emulator.Upload(TestEmulator.Jsonl);
        TestEmulator.AssertError(400, "invalidPayload", (status, body), "file");
        Assert.Contains("limit is 50 bytes", body["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Upload_OverFileCountQuota_AnswersQuotaExceeded()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o with { MaxFiles = 2 });
        await emulator.Upload(TestEmulator.Jsonl);
        await emulator.Upload(TestEmulator.Jsonl);

        var (status, body) = await emulator.Upload(TestEmulator.Jsonl);
        TestEmulator.AssertError(400, "quotaExceeded", (status, body));
        Assert.Contains("maximum is 2", body["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Upload_OverDefaultFileQuota_CountsEveryPurpose()
    {
        await using var emulator = await TestEmulator.StartAsync();
        Assert.Equal(50, emulator.Server.Options.MaxFiles);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(200, (await emulator.Upload("x", purpose: i % 2 == 0 ? "batch" : "assistants")).Status);
        }

        foreach (var purpose in new[] { "batch", "fine-tune" })
        {
            var (status, body) = await emulator.Upload(TestEmulator.Jsonl, purpose);
            TestEmulator.AssertError(400, "quotaExceeded", (status, body));
            Assert.Contains("maximum is 50", body["error"]!["message"]!.GetValue<string>());
        }

        Assert.Equal(50, (await emulator.Get("/openai/v1/files")).Body!["data"]!.AsArray().Count);
    }

    [Fact]
    public async Task Upload_OverTotalBytesQuota_AnswersQuotaExceeded()
    {
        Assert.Equal(1L << 30, new EmulatorOptions().MaxTotalFileBytes);   // 1 GB per resource (docs/service.md §1.3)
        await using var emulator = await TestEmulator.StartAsync(o => o with { MaxTotalFileBytes = 150 });
        Assert.Equal(200, (await emulator.Upload(new string('a', 100), purpose: "batch")).Status);

        var (status, body) = await emulator.Upload(new string('b', 51), purpose: "batch");
        TestEmulator.AssertError(400, "quotaExceeded", (status, body));
        Assert.Contains("maximum in total is 150 bytes", body["error"]!["message"]!.GetValue<string>());
        Assert.Equal(200, (await emulator.Upload(new string('c', 50), purpose: "batch")).Status);
    }

    [Fact]
    public async Task List_PagesWithAfterAndFiltersByPurpose()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await emulator.Upload(TestEmulator.Jsonl)).Body["id"]!.GetValue<string>());
        }

        await emulator.Upload("batch input", purpose: "batch", filename: "batch.jsonl");

        var (_, first) = await emulator.Get("/openai/v1/files?purpose=fine-tune&limit=2&order=asc");
        Assert.Equal([ids[0], ids[1]], Ids(first!));
        Assert.True(first!["has_more"]!.GetValue<bool>());
        Assert.Equal(ids[0], first["first_id"]!.GetValue<string>());
        Assert.Equal(ids[1], first["last_id"]!.GetValue<string>());

        var (_, second) = await emulator.Get($"/openai/v1/files?purpose=fine-tune&limit=2&order=asc&after={ids[1]}");
        Assert.Equal([ids[2]], Ids(second!));
        Assert.False(second!["has_more"]!.GetValue<bool>());

        var (_, all) = await emulator.Get("/openai/v1/files");
        Assert.Equal(4, Ids(all!).Count);
        Assert.Equal("batch", all!["data"]![0]!["purpose"]!.GetValue<string>());

        TestEmulator.AssertError(400, "invalidPayload", await emulator.Get("/openai/v1/files?limit=0"), "limit");
    }

    [Fact]
    public async Task Delete_RemovesTheFileAndAnswersDeleted()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var id = await emulator.ProcessedFile();

        var (status, deleted) = await emulator.Send(HttpMethod.Delete, $"/openai/v1/files/{id}");
        Assert.Equal(200, status);
        Assert.True(deleted!["deleted"]!.GetValue<bool>());
        Assert.Equal(id, deleted["id"]!.GetValue<string>());

        TestEmulator.AssertError(404, "notFound", await emulator.Get($"/openai/v1/files/{id}"));
        TestEmulator.AssertError(404, "notFound", await emulator.Send(HttpMethod.Delete, $"/openai/v1/files/{id}"));
    }

    [Fact]
    public async Task Content_ReturnsTheUploadedBytes()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var id = await emulator.ProcessedFile();

        var content = await emulator.Http.GetStringAsync($"/openai/v1/files/{id}/content");
        Assert.Equal(TestEmulator.Jsonl, content);
    }

    [Fact]
    public async Task UnknownRoute_Answers404InServiceShape()
    {
        await using var emulator = await TestEmulator.StartAsync();
        TestEmulator.AssertError(404, "404", await emulator.Get("/openai/v1/nothing-here"));
    }

    private static List<string> Ids(JsonObject list) =>
        list["data"]!.AsArray().Select(f => f!["id"]!.GetValue<string>()).ToList();
}
