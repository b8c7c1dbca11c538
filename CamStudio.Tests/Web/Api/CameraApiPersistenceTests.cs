using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CamStudio.Core;
using CamStudio.Core.Cameras;
using CamStudio.Core.Data;
using CamStudio.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CamStudio.Tests.Web.Api;

/// <summary>What the database guarantees: migrations, uniqueness, concurrency, encryption at rest, durability.</summary>
public abstract class CameraApiPersistenceTests(TestDatabase database) : CameraApiTestBase(database)
{
    [Fact]
    public async Task Migrations_apply_cleanly_and_match_the_model()
    {
        await using CamStudioDbContext context = await GetService<IDbContextFactory<CamStudioDbContext>>().CreateDbContextAsync();

        context.Should().BeOfType(Database.Provider == DatabaseProvider.Sqlite ? typeof(SqliteCamStudioDbContext) : typeof(PostgreSqlCamStudioDbContext));
        context.Database.GetMigrations().Should().NotBeEmpty();
        (await context.Database.GetAppliedMigrationsAsync()).Should().Equal(context.Database.GetMigrations());
        (await context.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
        context.Database.HasPendingModelChanges().Should().BeFalse("a model change needs a migration for this provider too");
    }

    [Fact]
    public async Task Restart_keeps_every_camera_and_their_passwords_stay_decryptable()
    {
        var passwords = new Dictionary<int, string>();
        for (int i = 0; i < 3; i++)
        {
            string password = $"pw-{i}-" + Guid.NewGuid().ToString("N");
            JsonElement camera = await CreateCameraAsync(new { name = UniqueName(), ip_address = $"10.0.1.{i + 1}", username = "admin", password });
            passwords[camera.GetProperty("camera_id").GetInt32()] = password;
        }

        await CreateCameraAsync(new { name = UniqueName("Demo"), source = "demo" });
        string before = Configuration(await Client.GetStringAsync("/api/cameras"));

        await RestartAppAsync();

        // The stored configuration survives exactly; runtime status (health, checked just now) is not stored.
        string after = Configuration(await Client.GetStringAsync("/api/cameras"));
        after.Should().Be(before);
        JsonDocument.Parse(after).RootElement.GetArrayLength().Should().Be(4);
        var store = GetService<ICameraStore>();
        foreach ((int id, string password) in passwords)
        {
            (await store.GetStreamSourceAsync(id, default))!.Password.Should().Be(password);
        }
    }

    [Theory]
    [InlineData("Front Door")]
    [InlineData("front door")]
    [InlineData("  FRONT   door ")]
    public async Task Duplicate_names_are_409_ignoring_case_and_spacing(string duplicate)
    {
        await CreateCameraAsync(new { name = "Front Door", ip_address = "10.0.0.1" });

        using HttpResponseMessage response = await Client.PostAsJsonAsync("/api/cameras/create", new { name = duplicate, ip_address = "10.0.0.2" });

        JsonElement problem = await ReadProblemAsync(response, 409);
        problem.GetProperty("code").GetString().Should().Be("duplicate_name");
        problem.GetProperty("errors").TryGetProperty("name", out _).Should().BeTrue();
    }

    [Fact]
    public async Task Renaming_onto_another_camera_is_409_but_recasing_your_own_name_is_fine()
    {
        await CreateCameraAsync(new { name = "Garage", source = "demo" });
        int id = (await CreateCameraAsync(new { name = "Garden", source = "demo" })).GetProperty("camera_id").GetInt32();

        using HttpResponseMessage clash = await PutJsonAsync(id, """{"name":"GARAGE"}""");
        (await ReadProblemAsync(clash, 409)).GetProperty("code").GetString().Should().Be("duplicate_name");

        using HttpResponseMessage recase = await PutJsonAsync(id, """{"name":"GARDEN"}""");
        recase.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ReadJsonAsync(recase)).GetProperty("name").GetString().Should().Be("GARDEN");
    }

    [Fact]
    public async Task Concurrent_creates_with_one_name_store_exactly_one_camera()
    {
        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            Client.PostAsJsonAsync("/api/cameras/create", new { name = i % 2 == 0 ? "Race" : "race ", source = "demo" })));

        responses.Count(r => r.StatusCode == HttpStatusCode.Created).Should().Be(1);
        responses.Count(r => r.StatusCode == HttpStatusCode.Conflict).Should().Be(5);
        (await ReadJsonAsync(await Client.GetAsync("/api/cameras"))).GetArrayLength().Should().Be(1);
    }

    [Fact]
    public async Task Second_operator_saving_the_same_version_gets_409_and_nothing_is_overwritten()
    {
        int id = (await CreateCameraAsync(new { name = UniqueName(), ip_address = "10.0.0.1" })).GetProperty("camera_id").GetInt32();

        using HttpResponseMessage first = await PutJsonAsync(id, """{"description":"operator A","version":1}""");
        using HttpResponseMessage second = await PutJsonAsync(id, """{"description":"operator B","version":1}""");

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonElement problem = await ReadProblemAsync(second, 409);
        problem.GetProperty("code").GetString().Should().Be("concurrency_conflict");
        problem.GetProperty("current_version").GetInt32().Should().Be(2);
        JsonElement stored = await ReadJsonAsync(await Client.GetAsync($"/api/cameras/{id}"));
        stored.GetProperty("description").GetString().Should().Be("operator A");
    }

    [Fact]
    public async Task If_match_carries_the_version_from_the_etag()
    {
        int id = (await CreateCameraAsync(new { name = UniqueName(), source = "demo" })).GetProperty("camera_id").GetInt32();
        using HttpResponseMessage get = await Client.GetAsync($"/api/cameras/{id}");
        string etag = get.Headers.ETag!.ToString();
        etag.Should().Be("\"1\"");

        Task<HttpResponseMessage> PutAsync(string description)
        {
            var request = new HttpRequestMessage(HttpMethod.Put, $"/api/cameras/{id}")
            {
                Content = new StringContent($$"""{"description":"{{description}}"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation("If-Match", etag);
            return Client.SendAsync(request);
        }

        using HttpResponseMessage first = await PutAsync("A");
        first.StatusCode.Should().Be(HttpStatusCode.OK);
        first.Headers.ETag!.ToString().Should().Be("\"2\"");
        using HttpResponseMessage second = await PutAsync("B");
        await ReadProblemAsync(second, 409);

        var bad = new HttpRequestMessage(HttpMethod.Put, $"/api/cameras/{id}") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        bad.Headers.TryAddWithoutValidation("If-Match", "\"abc\"");
        (await ReadProblemAsync(await Client.SendAsync(bad), 400)).GetProperty("errors").TryGetProperty("version", out _).Should().BeTrue();
    }

    [Fact]
    public async Task Database_refuses_a_stale_write_even_past_the_version_check()
    {
        // Two contexts read the same row; the second save must fail on the concurrency token, not overwrite.
        int id = (await CreateCameraAsync(new { name = UniqueName(), source = "demo" })).GetProperty("camera_id").GetInt32();
        var factory = GetService<IDbContextFactory<CamStudioDbContext>>();
        await using CamStudioDbContext first = await factory.CreateDbContextAsync();
        await using CamStudioDbContext second = await factory.CreateDbContextAsync();
        Camera a = await first.Cameras.SingleAsync(c => c.Id == id);
        Camera b = await second.Cameras.SingleAsync(c => c.Id == id);

        a.Description = "A";
        a.Version++;
        await first.SaveChangesAsync();
        b.Description = "B";
        b.Version++;
        Func<Task> stale = () => second.SaveChangesAsync();

        await stale.Should().ThrowAsync<DbUpdateConcurrencyException>();
    }

    [Fact]
    public async Task Passwords_are_encrypted_in_the_database()
    {
        string password = "Plain-" + Guid.NewGuid().ToString("N");
        int id = (await CreateCameraAsync(new { name = UniqueName(), ip_address = "10.0.0.1", password })).GetProperty("camera_id").GetInt32();

        await using CamStudioDbContext context = await GetService<IDbContextFactory<CamStudioDbContext>>().CreateDbContextAsync();
        string? stored = await context.Cameras.Where(c => c.Id == id).Select(c => c.ProtectedPassword).SingleAsync();

        stored.Should().NotBeNullOrEmpty().And.NotContain(password);
        Directory.EnumerateFiles(GetService<IOptions<CamStudioDataOptions>>().Value.KeysDirectory, "key-*.xml")
            .Should().NotBeEmpty("the key ring is persisted in the data directory");
    }

    /// <summary>The camera list without each camera's runtime <c>status</c>.</summary>
    private static string Configuration(string cameras)
    {
        var list = System.Text.Json.Nodes.JsonNode.Parse(cameras)!.AsArray();
        foreach (System.Text.Json.Nodes.JsonNode? camera in list)
        {
            camera!.AsObject().Remove("status");
        }

        return list.ToJsonString();
    }
}

public sealed class SqliteCameraApiPersistenceTests() : CameraApiPersistenceTests(TestDatabase.Sqlite())
{
    [Fact]
    public async Task Sqlite_file_never_contains_the_plaintext_password()
    {
        string password = "Plain-" + Guid.NewGuid().ToString("N");
        int id = (await CreateCameraAsync(new { name = UniqueName(), ip_address = "10.0.0.1", password })).GetProperty("camera_id").GetInt32();
        await using (CamStudioDbContext context = await GetService<IDbContextFactory<CamStudioDbContext>>().CreateDbContextAsync())
        {
            string cipher = (await context.Cameras.Where(c => c.Id == id).Select(c => c.ProtectedPassword).SingleAsync())!;
            // Read with the app stopped: a running app's connections create and delete the -wal/-shm files at will.
            await StopAppAsync();
            byte[] bytes = [.. Directory.EnumerateFiles(DataDirectory, CamStudioDataOptions.SqliteFileName + "*").SelectMany(File.ReadAllBytes)];
            StartApp();

            // The ciphertext is found, so these really are the bytes the camera was written to.
            Contains(bytes, Encoding.UTF8.GetBytes(cipher)).Should().BeTrue();
            Contains(bytes, Encoding.UTF8.GetBytes(password)).Should().BeFalse();
            Contains(bytes, Encoding.Unicode.GetBytes(password)).Should().BeFalse();
        }
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
