import Foundation
import PanggilCore
import PanggilSiteFile
import PanggilStore
import PanggilTesting
import Testing

@Suite("panggil user")
struct UserCommandTests {
    @Test func theFirstAdminIsMadeOnTheCommandLineWithAPasswordFromStandardInput() async throws {
        let directory = Fixtures.temporaryDirectory()
        let added = try await panggil(["user", "add", "--name", "admin", "--role", "admin"], in: directory, input: "rahasia-sekali\n")
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("admin"))
        let staff = try await panggil(["user", "add", "--name", "siti", "--role", "staff", "--counters", "1,2"], in: directory,
                                      input: "kata-sandi-siti\n")
        #expect(staff.status == 0, "\(staff.stderr)")

        let list = try await panggil(["user", "list"], in: directory)
        #expect(list.stdout.contains("admin\tadmin") && list.stdout.contains("siti\tstaff\t1,2"))

        // The password is stored as a bcrypt hash, never as typed.
        let store = try SQLiteQueueStore(path: directory.appendingPathComponent("data/panggil.sqlite").path, site: SiteFile.demo())
        let stored = try #require(try await store.access.user(named: "admin"))
        #expect(stored.passwordHash.hasPrefix("$2") && !stored.passwordHash.contains("rahasia"))
    }

    @Test(arguments: [
        (["--name", "x", "--role", "staff"], "rahasia-sekali\n", "minimal satu loket"),
        (["--name", "x", "--role", "admin"], "pendek\n", "minimal 8"),
        (["--name", "x", "--role", "raja"], "rahasia-sekali\n", "tidak dikenal"),
        (["--name", "Budi Santoso", "--role", "admin"], "rahasia-sekali\n", "tidak valid"),
        (["--name", "x", "--role", "staff", "--counters", "99"], "rahasia-sekali\n", "Loket 99"),
    ])
    func mistakesAreExplainedAndChangeNothing(arguments: [String], input: String, says: String) async throws {
        let directory = Fixtures.temporaryDirectory()
        let run = try await panggil(["user", "add"] + arguments, in: directory, input: input)
        #expect(run.status != 0)
        #expect(run.stderr.contains(says), "\(run.stderr)")
        let list = try await panggil(["user", "list"], in: directory)
        #expect(list.stdout.isEmpty)
    }
}
