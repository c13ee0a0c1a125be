using OpenMaas.Inference.Llama;

namespace OpenMaas.Tests.Inference;

public sealed class StopStringMatcherTests
{
    [Fact]
    public void Append_PassesTextThatCannotStartAStop()
    {
        var m = new StopStringMatcher(["END"]);
        Assert.Equal(("hello ", false), m.Append("hello "));
    }

    [Fact]
    public void Append_HoldsBackAPossiblePrefixUntilResolved()
    {
        var m = new StopStringMatcher(["END"]);
        Assert.Equal(("abc ", false), m.Append("abc E"));
        Assert.Equal(("EX", false), m.Append("X"));
    }

    [Fact]
    public void Append_FindsAStopSplitAcrossPieces()
    {
        var m = new StopStringMatcher(["END"]);
        Assert.Equal(("a", false), m.Append("aE"));
        Assert.Equal(("", false), m.Append("N"));
        Assert.Equal(("", true), m.Append("Dtail"));
    }

    [Fact]
    public void Append_CutsAtTheEarliestOfSeveralStops()
    {
        var m = new StopStringMatcher(["world", "lo"]);
        Assert.Null(m.Matched);
        Assert.Equal(("hel", true), m.Append("hello world"));
        Assert.Equal("lo", m.Matched);
    }

    [Fact]
    public void Flush_ReleasesHeldText()
    {
        var m = new StopStringMatcher(["\n\n"]);
        Assert.Equal(("line", false), m.Append("line\n"));
        Assert.Equal("\n", m.Flush());
    }

    [Fact]
    public void Constructor_IgnoresEmptyStops()
    {
        var m = new StopStringMatcher(["", ""]);
        Assert.True(m.IsEmpty);
    }

    [Fact]
    public void Append_HoldsTheLongestPartialMatchAmongStops()
    {
        var m = new StopStringMatcher(["abcd", "bcx"]);
        Assert.Equal(("z", false), m.Append("zabc"));
        Assert.Equal(("a", true), m.Append("x"));
    }
}
