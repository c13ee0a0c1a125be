using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenMaas.Core;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Storage;

namespace OpenMaas.Bench.WebConsole;

/// <summary>Fills the catalog with synthetic models (owners, tasks across every domain, tags, likes, downloads).</summary>
internal static class Seeder
{
    private static readonly string[] Owners = ["qwen", "deepseek-ai", "iic", "damo", "zhipuai", "baichuan", "shanghai-ai-lab", "modelscope", "openbmb", "llm-research"];
    private static readonly string[] Words = ["chat", "base", "instruct", "coder", "vl", "embed", "tiny", "large", "mini", "pro", "math", "audio", "ocr", "asr"];

    public static async Task SeedAsync(IServiceProvider services, int count)
    {
        await services.InitializeOpenMaasAsync();
        var tasks = ModelDomains.KnownTasks.Order(StringComparer.Ordinal).ToArray();
        var random = new Random(42);
        var now = DateTimeOffset.UtcNow;
        await using var db = await services.GetRequiredService<IDbContextFactory<OpenMaasDbContext>>().CreateDbContextAsync();
        for (var batch = 0; batch < count; batch += 1000)
        {
            for (var i = batch; i < Math.Min(count, batch + 1000); i++)
            {
                var owner = Owners[i % Owners.Length];
                var name = $"{Words[random.Next(Words.Length)]}-{Words[random.Next(Words.Length)]}-{i}";
                var task = i % 3 == 0 ? ModelTasks.TextGeneration : tasks[random.Next(tasks.Length)];
                db.Models.Add(new ModelRecord
                {
                    Id = $"{owner}/{name}",
                    FilePath = $"/nonexistent/{owner}/{name}.gguf",
                    Task = task,
                    DisplayName = $"{name} ({owner})",
                    Description = $"A synthetic {task} model number {i} for the console benchmark.",
                    Tags = [Words[random.Next(Words.Length)], task],
                    License = i % 2 == 0 ? "apache-2.0" : "mit",
                    Likes = random.Next(0, 5000),
                    Downloads = random.Next(0, 1_000_000),
                    CreatedAt = now.AddDays(-random.Next(0, 700)),
                    UpdatedAt = now.AddDays(-random.Next(0, 300)),
                    Servable = false,
                    ApiInference = i % 10 == 0,
                    ApiInferenceMode = i % 10 == 0 ? ApiInferenceMode.On : ApiInferenceMode.Auto,
                });
            }

            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }
    }
}
