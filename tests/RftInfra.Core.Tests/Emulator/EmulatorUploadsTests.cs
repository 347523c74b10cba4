using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace RftInfra.Core.Tests.Emulator;

public class EmulatorUploadsTests
{
    private const string Dated = "?api-version=2025-04-01-preview";

    [Fact]
    public async Task Upload_InParts_CompletesIntoAFile()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var bytes = Encoding.UTF8.GetBytes(TestEmulator.Jsonl + TestEmulator.Jsonl);
        var (status, upload) = await emulator.Post("/openai/uploads" + Dated, new JsonObject
        {
            ["bytes"] = bytes.Length,
            ["filename"] = "big.jsonl",
            ["mime_type"] = "application/jsonl",
            ["purpose"] = "fine-tune",
        });
        Assert.Equal(200, status);
        Assert.Equal("pending", upload!["status"]!.GetValue<string>());
        var id = upload["id"]!.GetValue<string>();

        var half = bytes.Length / 2;
        var first = await Part(emulator, id, bytes[..half]);
        var second = await Part(emulator, id, bytes[half..]);
        Assert.Equal("upload.part", first["object"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(first["azure_block_id"]!.GetValue<string>()));

        var (completeStatus, completed) = await emulator.Post($"/openai/uploads/{id}/complete" + Dated, new JsonObject
        {
            ["part_ids"] = new JsonArray(first["id"]!.DeepClone(), second["id"]!.DeepClone()),
            ["md5"] = Convert.ToHexStringLower(MD5.HashData(bytes)),
        });
        Assert.Equal(200, completeStatus);
        Assert.Equal("completed", completed!["status"]!.GetValue<string>());
        var fileId = completed["file"]!["id"]!.GetValue<string>();
        Assert.Equal(TestEmulator.Jsonl + TestEmulator.Jsonl, await emulator.Http.GetStringAsync($"/openai/v1/files/{fileId}/content"));
    }

    [Fact]
    public async Task Complete_WithMissingBytes_Answers400()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var (_, upload) = await emulator.Post("/openai/uploads" + Dated, new JsonObject
        {
            ["bytes"] = 1000, ["filename"] = "big.jsonl", ["mime_type"] = "application/jsonl", ["purpose"] = "fine-tune",
        });
        var id = upload!["id"]!.GetValue<string>();
        var part = await Part(emulator, id, Encoding.UTF8.GetBytes(TestEmulator.Jsonl));

        var result = await emulator.Post($"/openai/uploads/{id}/complete" + Dated, new JsonObject { ["part_ids"] = new JsonArray(part["id"]!.DeepClone()) });
        TestEmulator.AssertError(400, "invalidPayload", result, "part_ids");
    }

    [Fact]
    public async Task Cancel_StopsTheUpload()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var (_, upload) = await emulator.Post("/openai/uploads" + Dated, new JsonObject
        {
            ["bytes"] = 10, ["filename"] = "big.jsonl", ["mime_type"] = "application/jsonl", ["purpose"] = "fine-tune",
        });
        var id = upload!["id"]!.GetValue<string>();

        var (status, cancelled) = await emulator.Post($"/openai/uploads/{id}/cancel" + Dated);
        Assert.Equal(200, status);
        Assert.Equal("cancelled", cancelled!["status"]!.GetValue<string>());
        TestEmulator.AssertError(400, "invalidPayload", await emulator.Post($"/openai/uploads/{id}/cancel" + Dated));
    }

    [Fact]
    public async Task Create_WithoutApiVersionOrFields_Answers400()
    {
        await using var emulator = await TestEmulator.StartAsync();
        TestEmulator.AssertError(400, "BadRequest", await emulator.Post("/openai/uploads", new JsonObject()), "api-version");
        TestEmulator.AssertError(400, "BadRequest", await emulator.Post("/openai/uploads?api-version=2024-10-21", new JsonObject()), "api-version");
        TestEmulator.AssertError(400, "invalidPayload", await emulator.Post("/openai/uploads" + Dated, new JsonObject { ["filename"] = "a.jsonl" }), "purpose");
    }

    private static async Task<JsonObject> Part(TestEmulator emulator, string uploadId, byte[] data)
    {
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(data);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "data", "part");
        using var response = await emulator.Http.PostAsync($"/openai/uploads/{uploadId}/parts" + Dated, form);
        var body = TestEmulator.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return body;
    }
}
