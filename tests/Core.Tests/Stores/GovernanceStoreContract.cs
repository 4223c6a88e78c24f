using Gateway.Keys;

namespace Gateway.Tests.Stores;

/// <summary>
/// What every governance store must do, run once per store (SQLite, Azurite, dynalite). Times are explicit so
/// window arithmetic is tested exactly; each test uses its own subjects so stores can be shared.
/// </summary>
public abstract class GovernanceStoreContract
{
    protected abstract IGovernanceStore Store { get; }

    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 10, TimeSpan.Zero);
    private static string Id() => Guid.NewGuid().ToString("N");

    private static AdmitRequest Admit(DateTimeOffset now, long costNanos, long tokens, params SubjectCharge[] subjects) =>
        new("res_" + Id(), subjects, costNanos, tokens, now, now.AddMinutes(15));

    private static SubjectCharge Key(string id, SubjectLimits limits) => new(Subjects.Key(id), limits);

    [Fact]
    public async Task Keys_round_trip_and_aliases_are_unique()
    {
        var hash = KeySecrets.Hash(KeySecrets.NewKey());
        var alias = "alias-" + Id();
        var key = new KeyRecord { Hash = hash, Alias = alias, Models = ["mock"], MaxBudget = 1.25m, Rpm = 7, CreatedAt = T0 };
        Assert.True(await Store.CreateKeyAsync(key));
        Assert.False(await Store.CreateKeyAsync(key with { Hash = KeySecrets.Hash(KeySecrets.NewKey()) }));
        var read = await Store.GetKeyAsync(hash);
        Assert.NotNull(read);
        Assert.Equal(1.25m, read.MaxBudget);
        Assert.Equal(["mock"], read.Models);
        Assert.Equal(hash, (await Store.FindKeyByAliasAsync(alias))?.Hash);

        Assert.True(await Store.UpdateKeyAsync(read with { Blocked = true, Rpm = 9 }));
        var updated = await Store.GetKeyAsync(hash);
        Assert.True(updated!.Blocked);
        Assert.Equal(9, updated.Rpm);

        Assert.True(await Store.DeleteKeyAsync(hash));
        Assert.Null(await Store.GetKeyAsync(hash));
        Assert.Null(await Store.FindKeyByAliasAsync(alias));
        Assert.False(await Store.DeleteKeyAsync(hash));
        Assert.False(await Store.UpdateKeyAsync(read));
    }

    private static string NewHash() => KeySecrets.Hash(KeySecrets.NewKey());

    [Fact]
    public async Task Replacing_a_key_moves_its_alias_and_removes_the_old_one()
    {
        var alias = "alias-" + Id();
        var old = new KeyRecord { Hash = NewHash(), Alias = alias, Rpm = 3, CreatedAt = T0 };
        Assert.True(await Store.CreateKeyAsync(old));
        var replacement = old with { Hash = NewHash() };

        Assert.Equal(KeyReplaceOutcome.Replaced, await Store.ReplaceKeyAsync(old.Hash, replacement));
        Assert.Null(await Store.GetKeyAsync(old.Hash));
        Assert.Equal(3, (await Store.GetKeyAsync(replacement.Hash))!.Rpm);
        Assert.Equal(replacement.Hash, (await Store.FindKeyByAliasAsync(alias))?.Hash);
        // The alias is still unique: a third key cannot take it.
        Assert.False(await Store.CreateKeyAsync(old with { Hash = NewHash() }));
        Assert.Equal(KeyReplaceOutcome.NotFound, await Store.ReplaceKeyAsync(old.Hash, old with { Hash = NewHash() }));
    }

    [Fact]
    public async Task Replacing_with_a_new_alias_frees_the_old_one()
    {
        var old = new KeyRecord { Hash = NewHash(), Alias = "alias-" + Id(), CreatedAt = T0 };
        Assert.True(await Store.CreateKeyAsync(old));
        var replacement = old with { Hash = NewHash(), Alias = "alias-" + Id() };

        Assert.Equal(KeyReplaceOutcome.Replaced, await Store.ReplaceKeyAsync(old.Hash, replacement));
        Assert.Equal(replacement.Hash, (await Store.FindKeyByAliasAsync(replacement.Alias!))?.Hash);
        Assert.Null(await Store.FindKeyByAliasAsync(old.Alias!));
        Assert.True(await Store.CreateKeyAsync(new KeyRecord { Hash = NewHash(), Alias = old.Alias, CreatedAt = T0 }));
    }

    [Fact]
    public async Task A_failing_create_leaves_the_old_key_working()
    {
        var old = new KeyRecord { Hash = NewHash(), Alias = "alias-" + Id(), CreatedAt = T0 };
        var other = new KeyRecord { Hash = NewHash(), Alias = "alias-" + Id(), CreatedAt = T0 };
        Assert.True(await Store.CreateKeyAsync(old));
        Assert.True(await Store.CreateKeyAsync(other));

        // The new record cannot be stored (its hash is taken): nothing of the old key changes.
        Assert.Equal(KeyReplaceOutcome.HashTaken, await Store.ReplaceKeyAsync(old.Hash, old with { Hash = other.Hash, Alias = "alias-" + Id() }));
        Assert.Equal(old.Hash, (await Store.GetKeyAsync(old.Hash))?.Hash);
        Assert.Equal(old.Hash, (await Store.FindKeyByAliasAsync(old.Alias!))?.Hash);
        Assert.Equal(other.Hash, (await Store.FindKeyByAliasAsync(other.Alias!))?.Hash);

        // Same with the alias of the old key kept.
        Assert.Equal(KeyReplaceOutcome.HashTaken, await Store.ReplaceKeyAsync(old.Hash, old with { Hash = other.Hash }));
        Assert.Equal(old.Hash, (await Store.FindKeyByAliasAsync(old.Alias!))?.Hash);
        Assert.Equal(other.Hash, (await Store.GetKeyAsync(other.Hash))?.Hash);

        // The new alias belongs to another key: refused, the old key untouched, and nothing new stored.
        var fresh = NewHash();
        Assert.Equal(KeyReplaceOutcome.AliasTaken, await Store.ReplaceKeyAsync(old.Hash, old with { Hash = fresh, Alias = other.Alias }));
        Assert.Null(await Store.GetKeyAsync(fresh));
        Assert.Equal(old.Hash, (await Store.FindKeyByAliasAsync(old.Alias!))?.Hash);
        Assert.Equal(other.Hash, (await Store.FindKeyByAliasAsync(other.Alias!))?.Hash);
    }

    [Fact]
    public async Task Keys_list_in_pages_filtered_by_team()
    {
        var team = "team-" + Id();
        Assert.True(await Store.PutTeamAsync(new TeamRecord { TeamId = team, CreatedAt = T0 }, create: true));
        var hashes = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var h = KeySecrets.Hash(KeySecrets.NewKey());
            hashes.Add(h);
            Assert.True(await Store.CreateKeyAsync(new KeyRecord { Hash = h, TeamId = team, CreatedAt = T0.AddSeconds(i) }));
        }
        var first = await Store.ListKeysAsync(1, 2, team, null);
        var third = await Store.ListKeysAsync(3, 2, team, null);
        Assert.Equal(5, first.TotalCount);
        Assert.Equal(hashes[..2], first.Keys.Select(k => k.Hash));
        Assert.Equal([hashes[4]], third.Keys.Select(k => k.Hash));
    }

    [Fact]
    public async Task Teams_and_users_are_created_once_and_updated()
    {
        var team = new TeamRecord { TeamId = "t-" + Id(), MaxBudget = 10m, Rpm = 5, CreatedAt = T0 };
        Assert.True(await Store.PutTeamAsync(team, create: true));
        Assert.False(await Store.PutTeamAsync(team, create: true));
        Assert.True(await Store.PutTeamAsync(team with { Rpm = 6 }, create: false));
        Assert.Equal(6, (await Store.GetTeamAsync(team.TeamId))!.Rpm);
        Assert.True(await Store.DeleteTeamAsync(team.TeamId));
        Assert.Null(await Store.GetTeamAsync(team.TeamId));
        Assert.False(await Store.PutTeamAsync(team, create: false));

        var user = new UserRecord { UserId = "u-" + Id(), MaxBudget = 2m, CreatedAt = T0 };
        Assert.True(await Store.PutUserAsync(user, create: true));
        Assert.False(await Store.PutUserAsync(user, create: true));
        Assert.Equal(2m, (await Store.GetUserAsync(user.UserId))!.MaxBudget);
    }

    [Fact]
    public async Task Teams_users_and_end_users_are_listed_and_deleted()
    {
        var run = Id();
        var teamIds = new[] { $"t-{run}-b", $"t-{run}-a" };
        foreach (var id in teamIds)
            Assert.True(await Store.PutTeamAsync(new TeamRecord { TeamId = id, Members = [new TeamMember { UserId = "u-" + run, Role = "admin" }], CreatedAt = T0 }, create: true));
        var teams = (await Store.ListTeamsAsync()).Where(t => t.TeamId.Contains(run)).ToList();
        Assert.Equal(teamIds.Order(StringComparer.Ordinal), teams.Select(t => t.TeamId));
        Assert.Equal("admin", teams[0].Members.Single().Role);

        var user = new UserRecord { UserId = $"u-{run}/x#1", Email = "a@example.com", CreatedAt = T0 }; // characters Table Storage keys forbid
        Assert.True(await Store.PutUserAsync(user, create: true));
        Assert.Contains(await Store.ListUsersAsync(), u => u.UserId == user.UserId && u.Email == "a@example.com");
        Assert.True(await Store.DeleteUserAsync(user.UserId));
        Assert.False(await Store.DeleteUserAsync(user.UserId));
        Assert.Null(await Store.GetUserAsync(user.UserId));
        Assert.DoesNotContain(await Store.ListUsersAsync(), u => u.UserId == user.UserId);

        var endUser = new EndUserRecord { UserId = $"e-{run}/?", Budget = new EndUserBudget { MaxBudget = 0.5m, Rpm = 3 }, CreatedAt = T0 };
        Assert.True(await Store.PutEndUserAsync(endUser, create: true));
        Assert.False(await Store.PutEndUserAsync(endUser, create: true));
        Assert.True(await Store.PutEndUserAsync(endUser with { Blocked = true }, create: false));
        var read = await Store.GetEndUserAsync(endUser.UserId);
        Assert.True(read!.Blocked);
        Assert.Equal(new SubjectLimits(MaxBudget: 0.5m, Rpm: 3), read.Limits);
        Assert.Contains(await Store.ListEndUsersAsync(), e => e.UserId == endUser.UserId);
        // End users, users and teams live apart: the same id in another kind is another record.
        Assert.Null(await Store.GetUserAsync(endUser.UserId));
        Assert.True(await Store.DeleteEndUserAsync(endUser.UserId));
        Assert.False(await Store.DeleteEndUserAsync(endUser.UserId));
        Assert.False(await Store.PutEndUserAsync(endUser, create: false));
        Assert.Null(await Store.GetEndUserAsync(endUser.UserId));
    }

    [Fact]
    public async Task The_longest_end_user_ids_of_escaped_characters_are_stored_and_counted()
    {
        // 256 characters that each escape to three in Table Storage keys: past its 1 KiB key limit unless shortened.
        var id = new string('%', 200) + Id()[..24] + new string('/', 32);
        Assert.True(await Store.PutEndUserAsync(new EndUserRecord { UserId = id, Budget = new EndUserBudget { MaxBudget = 1m }, CreatedAt = T0 }, create: true));
        Assert.Equal(id, (await Store.GetEndUserAsync(id))!.UserId);
        Assert.Contains(await Store.ListEndUsersAsync(), e => e.UserId == id);
        var charge = new SubjectCharge(Subjects.EndUser(id), new SubjectLimits(MaxBudget: 1m));
        var admit = Admit(T0, Money.ToNanos(0.6m), 1, charge);
        Assert.True((await Store.AdmitAsync(admit)).Admitted);
        Assert.Equal(LimitKind.Budget, (await Store.AdmitAsync(Admit(T0, Money.ToNanos(0.6m), 1, charge))).Refused);
        await Store.SettleAsync(SettleRequest.For(admit, Money.ToNanos(0.5m), 1, T0));
        Assert.Equal(Money.ToNanos(0.5m), (await Store.GetUsageAsync(charge.Subject, charge.Limits, T0)).SpendNanos);
        Assert.True(await Store.DeleteEndUserAsync(id));
    }

    [Fact]
    public async Task Key_and_model_and_end_user_counters_are_subjects_of_their_own()
    {
        // A model name with a slash (provider-style) and an end user id with characters Table Storage forbids in keys.
        var hash = NewHash();
        var perModel = new SubjectCharge(Subjects.KeyModel(hash, "openai/gpt-4o"), new SubjectLimits(MaxBudget: 0.5m));
        var endUser = new SubjectCharge(Subjects.EndUser("eu/" + Id() + "#?"), new SubjectLimits(MaxBudget: 1m));
        var key = Key(hash, SubjectLimits.None);
        var cost = Money.ToNanos(0.25m);
        var first = Admit(T0, cost, 1, key, perModel, endUser);
        Assert.True((await Store.AdmitAsync(first)).Admitted);
        Assert.True((await Store.AdmitAsync(Admit(T0, cost, 1, key, perModel, endUser))).Admitted);
        var third = await Store.AdmitAsync(Admit(T0, cost, 1, key, perModel, endUser));
        Assert.Equal(LimitKind.Budget, third.Refused);
        Assert.Equal(perModel.Subject, third.RefusedSubject);
        // The refusal took back the key's reservation: the key counts two calls in flight, not three.
        Assert.Equal(2, (await Store.GetUsageAsync(key.Subject, key.Limits, T0)).InFlight);
        await Store.SettleAsync(SettleRequest.For(first, Money.ToNanos(0.1m), 1, T0));
        Assert.Equal(Money.ToNanos(0.1m), (await Store.GetUsageAsync(perModel.Subject, perModel.Limits, T0)).SpendNanos);
        Assert.Equal(Money.ToNanos(0.1m), (await Store.GetUsageAsync(endUser.Subject, endUser.Limits, T0)).SpendNanos);
        Assert.Equal(cost, (await Store.GetUsageAsync(endUser.Subject, endUser.Limits, T0)).ReservedNanos);
    }

    [Fact]
    public async Task Budget_counts_reservations_and_refuses_what_would_overshoot()
    {
        var k = Key(Id(), new SubjectLimits(MaxBudget: 1m));
        var cost = Money.ToNanos(0.4m);
        Assert.True((await Store.AdmitAsync(Admit(T0, cost, 10, k))).Admitted);
        Assert.True((await Store.AdmitAsync(Admit(T0, cost, 10, k))).Admitted);
        var third = await Store.AdmitAsync(Admit(T0, cost, 10, k));
        Assert.Equal(LimitKind.Budget, third.Refused);
        Assert.Equal(k.Subject, third.RefusedSubject);
        var usage = await Store.GetUsageAsync(k.Subject, k.Limits, T0);
        Assert.Equal(2 * cost, usage.ReservedNanos);
        Assert.Equal(2, usage.InFlight);
    }

    [Fact]
    public async Task Settle_books_the_actual_cost_and_releases_the_reservation_once()
    {
        var k = Key(Id(), new SubjectLimits(MaxBudget: 1m, Tpm: 1000));
        var admit = Admit(T0, Money.ToNanos(0.4m), 300, k);
        Assert.True((await Store.AdmitAsync(admit)).Admitted);
        var after = await Store.SettleAsync(SettleRequest.For(admit, Money.ToNanos(0.1m), 120, T0.AddSeconds(1)));
        Assert.Equal(Money.ToNanos(0.1m), Assert.Single(after).SpendNanos);
        // A second settle (or a settle after a sweep) must not release or book again.
        Assert.Empty(await Store.SettleAsync(SettleRequest.For(admit, Money.ToNanos(0.1m), 120, T0.AddSeconds(2))));
        var usage = await Store.GetUsageAsync(k.Subject, k.Limits, T0.AddSeconds(2));
        Assert.Equal(Money.ToNanos(0.1m), usage.SpendNanos);
        Assert.Equal(0, usage.ReservedNanos);
        Assert.Equal(120, usage.TokensUsed);
        Assert.Equal(0, usage.TokensReserved);
        Assert.Equal(0, usage.InFlight);
    }

    [Fact]
    public async Task Sweep_releases_only_expired_reservations()
    {
        var k = Key(Id(), new SubjectLimits(MaxBudget: 1m, MaxParallel: 5));
        var old = Admit(T0, Money.ToNanos(0.5m), 10, k) with { ExpiresAt = T0.AddSeconds(30) };
        var fresh = Admit(T0, Money.ToNanos(0.25m), 10, k) with { ExpiresAt = T0.AddHours(1) };
        Assert.True((await Store.AdmitAsync(old)).Admitted);
        Assert.True((await Store.AdmitAsync(fresh)).Admitted);
        Assert.True(await Store.SweepAsync(T0.AddMinutes(1)) >= 1);
        var usage = await Store.GetUsageAsync(k.Subject, k.Limits, T0.AddMinutes(1));
        Assert.Equal(Money.ToNanos(0.25m), usage.ReservedNanos);
        Assert.Equal(1, usage.InFlight);
        Assert.Equal(0, usage.SpendNanos);
        // The swept call settling late books nothing and releases nothing.
        Assert.Empty(await Store.SettleAsync(SettleRequest.For(old, Money.ToNanos(0.5m), 10, T0.AddMinutes(2))));
        Assert.Equal(Money.ToNanos(0.25m), (await Store.GetUsageAsync(k.Subject, k.Limits, T0.AddMinutes(2))).ReservedNanos);
    }

    [Fact]
    public async Task Rpm_counts_per_minute_window_aligned_in_utc()
    {
        var k = Key(Id(), new SubjectLimits(Rpm: 3));
        for (var i = 0; i < 3; i++) Assert.True((await Store.AdmitAsync(Admit(T0, 0, 0, k))).Admitted);
        var refused = await Store.AdmitAsync(Admit(T0.AddSeconds(5), 0, 0, k));
        Assert.Equal(LimitKind.Rpm, refused.Refused);
        Assert.Equal(45, refused.RetryAfterSeconds); // 12:00:15 -> 12:01:00
        // The next minute starts at 12:01:00 UTC, not 60 s after the first request.
        Assert.True((await Store.AdmitAsync(Admit(new DateTimeOffset(2026, 11, 25, 12, 1, 0, TimeSpan.Zero), 0, 0, k))).Admitted);
    }

    [Fact]
    public async Task Tpm_reserves_estimated_tokens_and_settles_actual()
    {
        var k = Key(Id(), new SubjectLimits(Tpm: 1000));
        var a = Admit(T0, 0, 800, k);
        Assert.True((await Store.AdmitAsync(a)).Admitted);
        Assert.Equal(LimitKind.Tpm, (await Store.AdmitAsync(Admit(T0, 0, 300, k))).Refused);
        await Store.SettleAsync(SettleRequest.For(a, 0, 100, T0));
        Assert.True((await Store.AdmitAsync(Admit(T0, 0, 300, k))).Admitted);
    }

    [Fact]
    public async Task Budget_resets_lazily_at_the_aligned_window_boundary()
    {
        var k = Key(Id(), new SubjectLimits(MaxBudget: 1m, BudgetDuration: "1h"));
        var a = Admit(T0, Money.ToNanos(1m), 0, k);
        Assert.True((await Store.AdmitAsync(a)).Admitted);
        await Store.SettleAsync(SettleRequest.For(a, Money.ToNanos(1m), 0, T0));
        Assert.Equal(LimitKind.Budget, (await Store.AdmitAsync(Admit(T0.AddMinutes(59), 1, 0, k))).Refused);
        var nextHour = new DateTimeOffset(2026, 11, 25, 13, 0, 0, TimeSpan.Zero);
        Assert.True((await Store.AdmitAsync(Admit(nextHour, Money.ToNanos(1m), 0, k))).Admitted);
        Assert.Equal(0, (await Store.GetUsageAsync(k.Subject, k.Limits, nextHour)).SpendNanos);
    }

    [Fact]
    public async Task The_tightest_subject_wins_and_nothing_is_counted_on_refusal()
    {
        var key = Key(Id(), new SubjectLimits(Rpm: 100));
        var team = new SubjectCharge(Subjects.Team(Id()), new SubjectLimits(Rpm: 1));
        Assert.True((await Store.AdmitAsync(Admit(T0, 0, 0, key, team))).Admitted);
        var refused = await Store.AdmitAsync(Admit(T0, 0, 0, key, team));
        Assert.Equal(LimitKind.Rpm, refused.Refused);
        Assert.Equal(team.Subject, refused.RefusedSubject);
        Assert.Equal(1, (await Store.GetUsageAsync(key.Subject, key.Limits, T0)).Requests);
    }

    [Fact]
    public async Task Parallel_limit_counts_calls_in_flight()
    {
        var k = Key(Id(), new SubjectLimits(MaxParallel: 2));
        var a = Admit(T0, 0, 0, k);
        Assert.True((await Store.AdmitAsync(a)).Admitted);
        Assert.True((await Store.AdmitAsync(Admit(T0, 0, 0, k))).Admitted);
        Assert.Equal(LimitKind.Parallel, (await Store.AdmitAsync(Admit(T0, 0, 0, k))).Refused);
        await Store.SettleAsync(SettleRequest.For(a, 0, 0, T0));
        Assert.True((await Store.AdmitAsync(Admit(T0, 0, 0, k))).Admitted);
    }

    [Fact]
    public async Task Concurrent_admits_never_overshoot_the_budget()
    {
        var k = Key(Id(), new SubjectLimits(MaxBudget: 0.25m));
        var cost = Money.ToNanos(0.01m);
        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => Task.Run(() => Store.AdmitAsync(Admit(T0, cost, 1, k)))));
        Assert.Equal(25, results.Count(r => r.Admitted));
        Assert.All(results.Where(r => !r.Admitted), r => Assert.Equal(LimitKind.Budget, r.Refused));
        Assert.Equal(25 * cost, (await Store.GetUsageAsync(k.Subject, k.Limits, T0)).ReservedNanos);
    }

    [Fact]
    public async Task Concurrent_admits_never_overshoot_a_per_model_budget_and_refusals_leave_the_key_clean()
    {
        var hash = NewHash();
        var key = Key(hash, new SubjectLimits(Rpm: 1000));
        var perModel = new SubjectCharge(Subjects.KeyModel(hash, "priced"), new SubjectLimits(MaxBudget: 0.25m));
        var cost = Money.ToNanos(0.01m);
        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => Task.Run(() => Store.AdmitAsync(Admit(T0, cost, 1, key, perModel)))));
        Assert.Equal(25, results.Count(r => r.Admitted));
        Assert.All(results.Where(r => !r.Admitted), r => Assert.Equal(perModel.Subject, r.RefusedSubject));
        Assert.Equal(25 * cost, (await Store.GetUsageAsync(perModel.Subject, perModel.Limits, T0)).ReservedNanos);
        var keyUsage = await Store.GetUsageAsync(key.Subject, key.Limits, T0);
        Assert.Equal(25, keyUsage.Requests);
        Assert.Equal(25, keyUsage.InFlight);
        Assert.Equal(25 * cost, keyUsage.ReservedNanos);
    }
}
