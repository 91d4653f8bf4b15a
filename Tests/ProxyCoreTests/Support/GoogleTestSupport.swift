import CryptoExtras
import Foundation
import ProxyCore

/// One RSA key for every Google credentials test (making one takes a while), and credential
/// files that use it.
enum GoogleTestCredentials {
    static let privateKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let clientEmail = "proxy@test-project.iam.gserviceaccount.com"
    static let clientSecret = "d-FL95Q19q7MQmFpd7hHD0Ty"
    static let refreshToken = "1//0gTestRefreshToken-secret"

    /// A service account key file, as the Cloud console downloads it.
    static func serviceAccountFile(privateKeyPEM: String = privateKey.pkcs8PEMRepresentation, members: JSONObject = [:]) -> String {
        var file: JSONObject = [
            "type": "service_account", "project_id": "test-project", "private_key_id": "key-1", "private_key": .string(privateKeyPEM),
            "client_email": .string(clientEmail), "client_id": "1234567890", "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": "https://oauth2.googleapis.com/token",
        ]
        for (key, value) in members.members { file[key] = value }
        return JSONWriter.string(.object(file))
    }

    /// gcloud's application default credentials, as `gcloud auth application-default login` writes them.
    static func authorizedUserFile(members: JSONObject = [:]) -> String {
        var file: JSONObject = [
            "account": "", "client_id": "764086051850-test.apps.googleusercontent.com", "client_secret": .string(clientSecret),
            "quota_project_id": "billing-project", "refresh_token": .string(refreshToken), "type": "authorized_user",
            "universe_domain": "googleapis.com",
        ]
        for (key, value) in members.members { file[key] = value }
        return JSONWriter.string(.object(file))
    }

    static func serviceAccount(members: JSONObject = [:]) throws -> GoogleServiceAccount {
        guard case .serviceAccount(let account, _) = try GoogleCredentialSource(json: serviceAccountFile(members: members), origin: "test") else {
            throw NotAServiceAccount()
        }
        return account
    }

    private struct NotAServiceAccount: Error {}
}

/// A JSON Web Token's three parts, decoded (nil when it is not one).
struct DecodedJWT {
    var header: JSONValue
    var claims: JSONValue
    var signedPart: String
    var signature: [UInt8]

    init?(_ token: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = Self.base64URL(parts[0]).flatMap({ try? JSONParser.parse($0) }),
            let claims = Self.base64URL(parts[1]).flatMap({ try? JSONParser.parse($0) }), let signature = Self.base64URL(parts[2])
        else { return nil }
        self.header = header
        self.claims = claims
        self.signedPart = parts[0] + "." + parts[1]
        self.signature = signature
    }

    func isSigned(by key: _RSA.Signing.PublicKey) -> Bool {
        key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: Array(signedPart.utf8), padding: .insecurePKCS1v1_5)
    }

    /// Strict base64url: no padding, no characters of standard base64.
    private static func base64URL(_ text: Substring) -> [UInt8]? {
        guard !text.contains(where: { "+/=".contains($0) }) else { return nil }
        let standard = text.replacing("-", with: "+").replacing("_", with: "/")
        return Data(base64Encoded: standard + String(repeating: "=", count: (4 - standard.count % 4) % 4)).map { Array($0) }
    }
}
