using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using RftInfra.Emulator;

namespace RftInfra.Core.Tests.Emulator;

/// <summary>The state database: a change is kept exactly when it is answered as made, and a large state restarts cheaply.</summary>
public sealed class EmulatorStorageTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("rft-emulator-storage-");

    private string StatePath => Path.Combine(_directory.FullName, "emulator.db");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task FailedCommit_AnswersAnErrorAndChangesNothing()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o with { StatePath = StatePath });
        var kept = await emulator.ProcessedFile();
        Assert.Equal("processed", (await emulator.Get($"/openai/v1/files/{kept}")).Body!["status"]!.GetValue<string>());   // committed

        await using (var other = new SqliteConnection($"Data Source={StatePath};Pooling=False"))
        {
            // Another process holds the database's write lock: no change can be committed.
            other.Open();
            using (var command = other.CreateCommand())
            {
                command.CommandText = "BEGIN EXCLUSIVE";
                command.ExecuteNonQuery();
            }

            var clock = Stopwatch.StartNew();
            var upload = await emulator.Upload(TestEmulator.Jsonl, purpose: "batch");
            var job = await emulator.Post("/openai/v1/fine_tuning/jobs", TestEmulator.JobBody(kept, kept));
            var deleted = await emulator.Send(HttpMethod.Delete, $"/openai/v1/files/{kept}");
            foreach (var answer in new[] { (upload.Status, (JsonObject?)upload.Body), job, deleted })
            {
                TestEmulator.AssertError(500, "InternalServerError", answer);
                Assert.Contains("was not made", answer.Item2!["error"]!["message"]!.GetValue<string>());
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"three refused changes took {clock.Elapsed}");
        }

        // Nothing of the three happened, in memory or on disk; the next change goes through.
        var (_, files) = await emulator.Get("/openai/v1/files");
        Assert.Equal([kept], files!["data"]!.AsArray().Select(f => f!["id"]!.GetValue<string>()));
        Assert.Empty((await emulator.Get("/openai/v1/fine_tuning/jobs")).Body!["data"]!.AsArray());
        var (status, retried) = await emulator.Upload(TestEmulator.Jsonl, purpose: "batch");
        Assert.Equal(200, status);

        await emulator.Server.StopAsync();
        await using var restarted = await TestEmulator.StartAsync(o => o with { StatePath = StatePath });
        var (_, after) = await restarted.Get("/openai/v1/files?order=asc");
        Assert.Equal([kept, retried["id"]!.GetValue<string>()], after!["data"]!.AsArray().Select(f => f!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task StoppedEmulator_LeavesOnlyTheStateFile()
    {
        await using (var emulator = await TestEmulator.StartAsync(o => o with { StatePath = StatePath }))
        {
            await emulator.CreatedJob();
            emulator.Time.Advance(TestEmulator.Pace * 3);
            Assert.Equal("running", await emulator.JobStatus((await emulator.Get("/openai/v1/fine_tuning/jobs")).Body!["data"]![0]!["id"]!.GetValue<string>()));
        }

        Assert.Equal(["emulator.db"], _directory.GetFiles().Select(f => f.Name));
    }

    [Fact]
    public async Task LargeState_RestartsQuicklyWithoutLoadingFileBytes()
    {
        var line = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('a', 900) + "\"}],\"reference_answer\":\"Paris\"}\n";
        var content = string.Concat(Enumerable.Repeat(line, 800 * 1024 / line.Length));   // ~0.8 MB
        var ids = new List<string>();
        await using (var emulator = await TestEmulator.StartAsync(o => o with { StatePath = StatePath }))
        {
            for (var i = 0; i < 50; i++)
            {
                var (status, body) = await emulator.Upload(content, filename: $"train-{i}.jsonl");
                Assert.Equal(200, status);
                ids.Add(body["id"]!.GetValue<string>());
            }
        }

        Assert.True(new FileInfo(StatePath).Length > 50L * content.Length);

        // Reading the state back allocates a small fraction of the 40 MB of file bytes it holds, and is quick.
        var options = new EmulatorOptions { StatePath = StatePath };
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        using (var store = new EmulatorStore(options))
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"loading took {clock.Elapsed}");
            Assert.True(allocated < 8L * 1024 * 1024, $"loading allocated {allocated} bytes");
            Assert.Equal(50, store.ListFiles(null, null, 100, ascending: true).Page.Count);
        }

        await using var restarted = await TestEmulator.StartAsync(o => o with { StatePath = StatePath });
        Assert.Equal(content, await restarted.Http.GetStringAsync($"/openai/v1/files/{ids[^1]}/content"));
    }

    [Fact]
    public async Task StatePathThatIsADirectory_FailsStartNamingIt()
    {
        await using var emulator = new RftEmulator(new EmulatorOptions { StatePath = _directory.FullName });
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => emulator.StartAsync());
        Assert.StartsWith(_directory.FullName, error.Message);
        Assert.Contains("is a directory", error.Message);
        Assert.Empty(_directory.GetFileSystemInfos());
    }

    [Fact]
    public async Task Cli_StateThatIsADirectory_Exits2NamingTheOption()
    {
        var (_, stderr, exit) = await CliRunner.Rft("emulator", "--state", _directory.FullName);
        Assert.Equal(2, exit);
        Assert.StartsWith($"error: --state {_directory.FullName}: the emulator state path is a directory", stderr);
        Assert.Empty(_directory.GetFileSystemInfos());
    }

    [Fact]
    public async Task Cli_UnwritableState_Exits2NamingTheOption()
    {
        // /proc takes no new folders, for root too.
        var (_, stderr, exit) = await CliRunner.Rft("emulator", "--state", "/proc/rft-emulator/state.db");
        Assert.Equal(2, exit);
        Assert.StartsWith("error: --state /proc/rft-emulator/state.db: cannot use this as the emulator state file", stderr);
        Assert.Contains("writable folder", stderr);
    }

    [Fact]
    public async Task OldJsonStateFile_IsRefusedWithAClearMessage()
    {
        await File.WriteAllTextAsync(StatePath, """{ "files": [], "uploads": [], "jobs": [] }""");
        await using var emulator = new RftEmulator(new EmulatorOptions { StatePath = StatePath });
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => emulator.StartAsync());
        Assert.StartsWith(StatePath, error.Message);
        Assert.Contains("JSON state file of an older emulator", error.Message);
        Assert.Contains("Delete it", error.Message);
        Assert.Equal("""{ "files": [], "uploads": [], "jobs": [] }""", await File.ReadAllTextAsync(StatePath));   // left as it was
    }

    [Fact]
    public async Task OtherSqliteDatabase_IsRefusedAndLeftAlone()
    {
        await using (var other = new SqliteConnection($"Data Source={StatePath};Pooling=False"))
        {
            other.Open();
            using var command = other.CreateCommand();
            command.CommandText = "CREATE TABLE notes (text TEXT)";
            command.ExecuteNonQuery();
        }

        await using var emulator = new RftEmulator(new EmulatorOptions { StatePath = StatePath });
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => emulator.StartAsync());
        Assert.StartsWith(StatePath, error.Message);
        Assert.Contains("not an emulator state database", error.Message);
    }

    [Fact]
    public async Task DamagedDatabase_FailsStartNamingTheFile()
    {
        var bytes = new byte[8192];
        "SQLite format 3\0"u8.CopyTo(bytes);
        Array.Fill(bytes, (byte)0xA5, 16, bytes.Length - 16);
        await File.WriteAllBytesAsync(StatePath, bytes);

        await using var emulator = new RftEmulator(new EmulatorOptions { StatePath = StatePath });
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => emulator.StartAsync());
        Assert.StartsWith($"{StatePath}: cannot use the emulator state database", error.Message);
        Assert.Contains("Delete it", error.Message);
    }

    [Fact]
    public async Task UploadParts_AreKeptAcrossRestartsAndCompleteIntoAFile()
    {
        const string Dated = "?api-version=2025-04-01-preview";
        var bytes = Encoding.UTF8.GetBytes(TestEmulator.Jsonl);
        string uploadId;
        string partId;
        await using (var emulator = await TestEmulator.StartAsync(o => o with { StatePath = StatePath }))
        {
            var (_, upload) = await emulator.Post("/openai/uploads" + Dated, new JsonObject
            {
                ["bytes"] = bytes.Length, ["filename"] = "big.jsonl", ["mime_type"] = "application/jsonl", ["purpose"] = "fine-tune",
            });
            uploadId = upload!["id"]!.GetValue<string>();
            using var form = new MultipartFormDataContent();
            var data = new ByteArrayContent(bytes);
            data.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(data, "data", "part");
            using var response = await emulator.Http.PostAsync($"/openai/uploads/{uploadId}/parts{Dated}", form);
            Assert.Equal(200, (int)response.StatusCode);
            partId = TestEmulator.Parse(await response.Content.ReadAsStringAsync())["id"]!.GetValue<string>();
        }

        await using var restarted = await TestEmulator.StartAsync(o => o with { StatePath = StatePath });
        var (status, completed) = await restarted.Post($"/openai/uploads/{uploadId}/complete{Dated}",
            new JsonObject { ["part_ids"] = new JsonArray(partId) });
        Assert.Equal(200, status);
        var fileId = completed!["file"]!["id"]!.GetValue<string>();
        Assert.Equal(TestEmulator.Jsonl, await restarted.Http.GetStringAsync($"/openai/v1/files/{fileId}/content"));
    }
}
