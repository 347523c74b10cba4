using Microsoft.AspNetCore.Builder;

namespace RftInfra.Emulator;

internal static partial class EmulatorRoutes
{
    /// <summary>Embeddings on a deployment (the path Azure.AI.OpenAI 2.1.0 calls), for text_similarity cosine.</summary>
    private static void MapEmbeddings(WebApplication app, EmulatorOptions options) =>
        app.MapPost("/openai/deployments/{deployment}/embeddings", Run(async context =>
        {
            RequireApiVersion(context.Request, minimum: "2024-02-01");
            var deployment = (string)context.Request.RouteValues["deployment"]!;
            if (options.Deployments is { } deployments && !deployments.Contains(deployment))
            {
                throw EmulatorErrors.DeploymentNotFound(deployment);
            }

            return Json(EmulatedEmbeddings.Embed(await ReadJsonObject(context.Request), deployment));
        }));
}
