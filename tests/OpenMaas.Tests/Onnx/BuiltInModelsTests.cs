using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenMaas.Core.Catalog;
using OpenMaas.Core.Hosting;
using OpenMaas.Inference.Onnx;
using OpenMaas.Inference.Onnx.Embeddings;
using OpenMaas.Server.Cli;
using OpenMaas.Server.Runtimes.Onnx;

namespace OpenMaas.Tests.Onnx;

/// <summary>The built-in MiniLM registration when several nodes of one database start at once.</summary>
[Trait("Category", "Slow")]
public sealed class BuiltInModelsTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "openmaas-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task SeveralStartsAtOnce_RegisterTheModelOnce_AndNoneFails()
    {
        Directory.CreateDirectory(_data);
        await using var services = await CliServices.CreateAsync([new("Data:Path", _data)]);
        var catalog = services.GetRequiredService<IModelCatalog>();
        var data = services.GetRequiredService<IOptions<DataOptions>>();
        var starts = Enumerable.Range(0, 4).Select(_ =>
            new BuiltInModels(catalog, data, Options.Create(new OnnxOptions()), TimeProvider.System).EnsureAsync(CancellationToken.None));

        await Task.WhenAll(starts); // before the fix: a unique-key violation from every start but the first

        var model = await catalog.FindAsync(EmbeddedModelPackage.MiniLmId);
        Assert.Equal(OnnxTasks.SentenceEmbedding, model?.Task);
        Assert.Single(await catalog.ListAsync(), m => m.Id == EmbeddedModelPackage.MiniLmId);
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);
}
