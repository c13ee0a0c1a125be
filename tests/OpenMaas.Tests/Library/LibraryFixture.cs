using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Library;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Library;

/// <summary>A server whose download days follow a fake clock (so "the next day" is a call away), with helpers to
/// read the library API.</summary>
public class LibraryServer : ServerFixture
{
    public FakeTimeProvider DownloadClock { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public IModelPopularity Popularity => Services.GetRequiredService<IModelPopularity>();

    public IModelCatalog Catalog => Services.GetRequiredService<IModelCatalog>();

    protected override void ConfigureServices(IServiceCollection services) =>
        services.Replace(ServiceDescriptor.Singleton(new DownloadCalendar(DownloadClock, Microsoft.Extensions.Options.Options.Create(new Core.Quota.QuotaOptions()))));

    public async Task<System.Text.Json.JsonElement> GetDataAsync(string path)
    {
        using var http = CreateClient();
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        using var doc = System.Text.Json.JsonDocument.Parse(body);
        Assert.Equal(200, doc.RootElement.GetProperty("Code").GetInt32());
        Assert.True(doc.RootElement.GetProperty("Success").GetBoolean());
        return doc.RootElement.GetProperty("Data").Clone();
    }

    public async Task<IReadOnlyList<string>> ServedAsync()
    {
        using var http = CreateClient();
        using var doc = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/v1/models"));
        return [.. doc.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).Order(StringComparer.Ordinal)];
    }
}

/// <summary>Six models over four domains with known likes, downloads and cards, for the search tests.</summary>
public sealed class LibraryFixture : LibraryServer
{
    public const string Readme = "# Alpha\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1)) [home](https://example.org/alpha)\n";

    protected override async Task SeedAsync()
    {
        var readme = Path.Combine(DataPath, "alpha-README.md");
        await File.WriteAllTextAsync(readme, Readme);
        await RegisterModelAsync(TestAssets.StoriesGguf, "tests/alpha", link: true, card: new ModelCardChange
        {
            DisplayName = "Alpha Stories", License = "mit", Tags = ["tiny", "story"], Description = "Bedtime stories", Readme = readme,
        });
        await RegisterModelAsync(TestAssets.StoriesGguf, "tests/beta", link: true, task: "chat", card: new ModelCardChange { License = "apache-2.0", Tags = ["chat"] });
        await RegisterModelAsync(TestAssets.StoriesGguf, "tests/embed", link: true, task: "sentence-embedding");
        await RegisterModelAsync(TestAssets.StoriesGguf, "tests/vision", link: true, task: "image-classification");
        await RegisterModelAsync(TestAssets.StoriesGguf, "tests/vad", link: true, task: "voice-activity-detection");
        await Popularity.SetLikeAsync("tests/alpha", 1001, like: true);
        await Popularity.SetLikeAsync("tests/alpha", 1002, like: true);
        await Popularity.SetLikeAsync("tests/beta", 1001, like: true);
        foreach (var user in new[] { "user:1", "user:2", "user:3" })
        {
            await Popularity.RecordDownloadAsync("tests/beta", user);
        }

        await Popularity.RecordDownloadAsync("tests/vision", "user:1");
        await Task.Delay(5);
        await Catalog.UpdateAsync("tests/embed", m => m.Description = "Sentence vectors");
    }
}
