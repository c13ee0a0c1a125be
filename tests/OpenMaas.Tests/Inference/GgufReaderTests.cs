using OpenMaas.Inference.Llama;
using OpenMaas.Tests.Infrastructure;

namespace OpenMaas.Tests.Inference;

public sealed class GgufReaderTests
{
    [Fact]
    public void Read_Stories260K_GivesItsFacts()
    {
        var meta = GgufReader.Read(TestAssets.StoriesGguf);

        Assert.Equal("llama", meta.Architecture);
        Assert.Equal(292_800, meta.ParameterCount);
        Assert.Equal(2048, meta.ContextLength);
        Assert.Null(meta.ChatTemplate);
        Assert.Equal(48, meta.TensorCount);
    }

    [Fact]
    public void Read_RejectsAFileThatIsNotGguf()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "definitely not a model");
            Assert.Throws<InvalidDataException>(() => GgufReader.Read(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
