import CryptoExtras
import ProxyCore
import Testing

/// A service account's assertion: a JWT whose header and claims are exactly Google's, signed
/// RS256 with the account's key.
@Suite struct GoogleServiceAccountTests {
    private let now = UTCTime(millisecondsSince1970: 1_767_225_600_789)

    @Test func theAssertionIsAnRS256JWTWithGooglesClaims() throws {
        let assertion = try GoogleTestCredentials.serviceAccount().assertion(now: now)
        let jwt = try #require(DecodedJWT(assertion))
        #expect(JSONWriter.string(jwt.header) == #"{"alg":"RS256","typ":"JWT","kid":"key-1"}"#)
        #expect(
            JSONWriter.string(jwt.claims)
                == #"{"iss":"proxy@test-project.iam.gserviceaccount.com","scope":"https://www.googleapis.com/auth/cloud-platform","#
                + #""aud":"https://oauth2.googleapis.com/token","iat":1767225600,"exp":1767229200}"#)
        #expect(jwt.isSigned(by: GoogleTestCredentials.privateKey.publicKey))
    }

    @Test func theSignatureCoversHeaderAndClaims() throws {
        let assertion = try GoogleTestCredentials.serviceAccount().assertion(now: now)
        var jwt = try #require(DecodedJWT(assertion))
        jwt.signedPart = Base64.encodeURL(Array(#"{"alg":"none"}"#.utf8)) + "." + jwt.signedPart.split(separator: ".")[1]
        #expect(!jwt.isSigned(by: GoogleTestCredentials.privateKey.publicKey))
        let otherKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        #expect(try #require(DecodedJWT(assertion)).isSigned(by: otherKey.publicKey) == false)
    }

    @Test func theAudienceIsTheFilesTokenURIAndTheKeyIDIsLeftOutWithoutOne() throws {
        let account = try GoogleTestCredentials.serviceAccount(members: ["token_uri": "https://oauth2.example.test/token", "private_key_id": .null])
        let jwt = try #require(DecodedJWT(account.assertion(now: now)))
        #expect(JSONWriter.string(jwt.header) == #"{"alg":"RS256","typ":"JWT"}"#)
        #expect(jwt.claims["aud"] == "https://oauth2.example.test/token")
    }

    @Test func base64URLHasNoPaddingAndURLSafeCharacters() {
        #expect(Base64.encodeURL([0xFB, 0xFF]) == "-_8")
        #expect(Base64.encodeURL([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(Base64.encodeURL(Array("a".utf8)) == "YQ")
        #expect(Base64.encodeURL([]) == "")
    }
}
