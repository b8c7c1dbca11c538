using System.Buffers.Binary;
using System.Text;

namespace CamStudio.Tests.Media.Hls;

/// <summary>One ISO BMFF box found in a buffer: where it starts, its size and type, and where its payload begins.</summary>
internal readonly record struct Mp4Box(int Offset, int Size, string Type)
{
    public int PayloadOffset => Offset + 8;

    public int End => Offset + Size;
}

/// <summary>
/// A deliberately independent reader of ISO BMFF box trees for tests (it does not reuse the writer), so a size the
/// writer gets wrong shows up as a box that does not fit its parent.
/// </summary>
internal static class Mp4Boxes
{
    private static readonly HashSet<string> s_containers = ["moov", "trak", "mdia", "minf", "dinf", "stbl", "mvex", "moof", "traf"];

    /// <summary>The boxes directly inside [start, end), asserting they tile the range exactly.</summary>
    public static List<Mp4Box> Children(byte[] data, int start, int end)
    {
        var boxes = new List<Mp4Box>();
        int offset = start;
        while (offset < end)
        {
            (end - offset).Should().BeGreaterThanOrEqualTo(8, $"a box header fits at {offset}");
            int size = (int)BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(offset));
            string type = Encoding.ASCII.GetString(data, offset + 4, 4);
            size.Should().BeInRange(8, end - offset, $"box '{type}' at {offset} fits in its parent");
            boxes.Add(new Mp4Box(offset, size, type));
            offset += size;
        }

        return boxes;
    }

    /// <summary>Every box in the tree, depth first, keyed by its path ("moov/trak/tkhd"); stsd's entries are walked too.</summary>
    public static Dictionary<string, Mp4Box> Tree(byte[] data, int length)
    {
        var result = new Dictionary<string, Mp4Box>();
        Walk(data, 0, length, "", result);
        return result;
    }

    public static uint UInt32(byte[] data, int offset) => BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(offset));

    public static ulong UInt64(byte[] data, int offset) => BinaryPrimitives.ReadUInt64BigEndian(data.AsSpan(offset));

    public static ushort UInt16(byte[] data, int offset) => BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(offset));

    private static void Walk(byte[] data, int start, int end, string prefix, Dictionary<string, Mp4Box> result)
    {
        foreach (Mp4Box box in Children(data, start, end))
        {
            string path = prefix + box.Type;
            result.TryAdd(path, box);
            if (s_containers.Contains(box.Type))
            {
                Walk(data, box.PayloadOffset, box.End, path + "/", result);
            }
            else if (box.Type == "stsd")
            {
                Walk(data, box.PayloadOffset + 8, box.End, path + "/", result); // version/flags + entry_count
            }
            else if (box.Type is "avc1" or "hvc1")
            {
                Walk(data, box.PayloadOffset + 78, box.End, path + "/", result); // VisualSampleEntry fields
            }
            else if (box.Type == "dref")
            {
                Walk(data, box.PayloadOffset + 8, box.End, path + "/", result);
            }
        }
    }
}
