using CamStudio.Media.Memory;

namespace CamStudio.Tests.Media.Memory;

/// <summary>
/// The image-page release advises exactly the read-only and executable file mappings — never writable ones (their
/// private copies), never the runtime's double-mapped code (shared memory: unmapping it would free nothing) — and never
/// throws: an unreadable maps file, a range unmapped meanwhile, an old kernel (EINVAL) or a libc without madvise.
/// </summary>
public sealed class ImagePagesTests
{
    private const int EInval = 22;
    private const int ENoMem = 12;

    // Shaped like /proc/<pid>/maps of the published app (x64, 2026-12-05), one line of each kind.
    private const string Maps = """
        55d0c0a00000-55d0c0a0b000 r--p 00000000 08:01 1048600                    /opt/camstudio/CamStudio.Web
        55d0c0a0b000-55d0c0a2f000 r-xp 0000b000 08:01 1048600                    /opt/camstudio/CamStudio.Web
        55d0c0a2f000-55d0c0a30000 rw-p 0002f000 08:01 1048600                    /opt/camstudio/CamStudio.Web
        55d0c1b00000-55d0c1c00000 rw-p 00000000 00:00 0                          [heap]
        7f1000000000-7f1000100000 r-xs 00000000 00:01 2048                       /memfd:doublemapper (deleted)
        7f1000100000-7f1000200000 rw-s 00100000 00:01 2048                       /memfd:doublemapper (deleted)
        7f2000000000-7f2000400000 r--p 00000000 08:01 1048700                    /opt/camstudio/System.Private.CoreLib.dll
        7f2000400000-7f2000e00000 r-xp 00400000 08:01 1048700                    /opt/camstudio/System.Private.CoreLib.dll
        7f2000e00000-7f2000e10000 rw-p 00e00000 08:01 1048700                    /opt/camstudio/System.Private.CoreLib.dll
        7f3000000000-7f3000001000 rw-p 00000000 00:00 0
        7f4000000000-7f4000001000 r--s 00000000 00:05 12                         /dev/shm/other
        7f5000000000-7f5000010000 r--p 00000000 08:01 99                         /opt/cam studio/lib with space.so
        7f6000000000-7f6000010000 r--p 00000000 08:01 98                         /opt/camstudio/replaced.dll (deleted)
        7fff00000000-7fff00002000 r-xp 00000000 00:00 0                          [vdso]
        not a maps line
        """;

    private static readonly (long Start, ulong Length)[] s_expected =
    [
        (0x55d0c0a00000, 0xb000),
        (0x55d0c0a0b000, 0x24000),
        (0x7f2000000000, 0x400000),
        (0x7f2000400000, 0xa00000),
        (0x7f5000000000, 0x10000),
    ];

    [Fact]
    public void Advises_the_read_only_and_executable_file_mappings_and_nothing_else()
    {
        List<(long, ulong)> advised = [];
        var pages = new ImagePages(() => Maps, (start, length) => { advised.Add((start, length)); return 0; });

        ImagePageOutcome outcome = pages.PageOut();

        advised.Should().Equal(s_expected);
        outcome.Should().Be(new ImagePageOutcome(5, (long)s_expected.Sum(r => (decimal)r.Length), 0, null));
    }

    [Fact]
    public void Unmap_pages_out_and_reads_back_into_the_cache_exactly_the_pages_that_were_in_memory()
    {
        // One mapping of 6 pages, 0x1000 each: pages 1–2 and 5 are in memory.
        const string oneMapping = "7f5000000000-7f5000006000 r--p 00000000 08:01 99 /opt/camstudio/A.dll";
        List<string> calls = [];
        var pages = new ImagePages(() => oneMapping,
            (start, length) => { calls.Add($"out {start:x}+{length:x}"); return 0; },
            (start, length, vector) =>
            {
                calls.Add($"residency {start:x}+{length:x}");
                vector.Clear();
                vector[1] = vector[2] = 1;
                vector[5] = 0x81; // only bit 0 means resident
                return 0;
            },
            (start, length) => { calls.Add($"willneed {start:x}+{length:x}"); return 0; },
            pageSize: 0x1000);

        ImagePageOutcome outcome = pages.Release(ReleaseMode.Unmap);

        calls.Should().Equal(
            "residency 7f5000000000+6000", "out 7f5000000000+6000", "willneed 7f5000001000+2000", "willneed 7f5000005000+1000");
        outcome.Should().Be(new ImagePageOutcome(1, 0x6000, 0, null));
    }

    [Fact]
    public void Unmap_leaves_a_mapping_whose_residency_cannot_be_read_and_large_mappings_go_in_chunks()
    {
        // 4096 pages per residency call: a 4097-page mapping takes two; a refused one is not paged out at all.
        const string maps = """
            7f5000000000-7f5001001000 r--p 00000000 08:01 99 /opt/camstudio/Big.dll
            7f6000000000-7f6000001000 r--p 00000000 08:01 98 /opt/camstudio/Refused.dll
            """;
        List<(long Start, ulong Length)> pagedOut = [];
        int residencyCalls = 0;
        var pages = new ImagePages(() => maps,
            (start, length) => { pagedOut.Add((start, length)); return 0; },
            (start, _, vector) => { residencyCalls++; vector.Fill(1); return start == 0x7f6000000000 ? ENoMem : 0; },
            (_, _) => 0, pageSize: 0x1000);

        ImagePageOutcome outcome = pages.Release(ReleaseMode.Unmap);

        residencyCalls.Should().Be(3);
        pagedOut.Should().Equal((0x7f5000000000, 0x1000000UL), (0x7f5001000000, 0x1000UL));
        outcome.Should().Be(new ImagePageOutcome(1, 0x1001000, 1, null));
    }

    [Fact]
    public void The_processs_own_maps_offer_the_runtime_library_and_never_the_double_mapped_code()
    {
        string maps = File.ReadAllText("/proc/self/maps");
        string coreLib = typeof(object).Assembly.Location;

        List<string> chosen = [];
        foreach (string line in maps.Split('\n'))
        {
            if (ImagePages.TryReadImageMapping(line, out _, out _))
            {
                chosen.Add(line);
            }
        }

        chosen.Should().Contain(line => line.EndsWith(coreLib, StringComparison.Ordinal), "the runtime's own library is a mapped image");
        chosen.Should().NotContain(line => line.Contains("memfd:", StringComparison.Ordinal));
        chosen.Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])
            .Should().OnlyContain(permissions => permissions[1] == '-', "writable mappings hold private copies");
    }

    [Fact]
    public void An_old_kernel_answering_EINVAL_turns_the_release_off_without_throwing()
    {
        int calls = 0;
        var pages = new ImagePages(() => Maps, (_, _) => { calls++; return EInval; });

        ImagePageOutcome first = pages.PageOut();
        ImagePageOutcome second = pages.PageOut();

        first.Error.Should().Contain("EINVAL");
        first.Mappings.Should().Be(0);
        pages.IsAvailable.Should().BeFalse();
        second.Error.Should().NotBeNull();
        calls.Should().Be(1, "nothing is tried again once the kernel said it does not know the advice");
    }

    [Fact]
    public void A_mapping_gone_since_the_maps_were_read_is_a_failure_and_the_rest_are_still_advised()
    {
        int calls = 0;
        var pages = new ImagePages(() => Maps, (_, _) => ++calls == 3 ? ENoMem : 0);

        ImagePageOutcome outcome = pages.PageOut();

        outcome.Error.Should().BeNull();
        outcome.Mappings.Should().Be(4);
        outcome.Failures.Should().Be(1);
        calls.Should().Be(5);
        pages.IsAvailable.Should().BeTrue();
    }

    [Fact]
    public void An_unreadable_maps_file_is_reported_not_thrown_and_the_next_release_tries_again()
    {
        int reads = 0;
        var pages = new ImagePages(() => ++reads == 1 ? throw new IOException("no /proc") : Maps, (_, _) => 0);

        pages.PageOut().Error.Should().Contain("no /proc");
        pages.PageOut().Mappings.Should().Be(5);
    }

    [Fact]
    public void A_libc_without_madvise_turns_the_release_off_without_throwing()
    {
        var pages = new ImagePages(() => Maps, (_, _) => throw new EntryPointNotFoundException("madvise"));

        pages.PageOut().Error.Should().Contain("madvise");
        pages.IsAvailable.Should().BeFalse();
    }
}
