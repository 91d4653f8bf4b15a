import Logging
import ProxyCore

extension AccessLogEntry {
    /// Runs a stream's producer and writes the line once the stream has ended; a stream the
    /// client left has no ending, and is logged as a success with no usage.
    func writing(
        endingOf produce: () async throws -> StreamEnding, to logger: Logger, redactor: SecretRedactor
    ) async throws -> StreamEnding {
        let ending: StreamEnding
        do {
            ending = try await produce()
        } catch {
            write(status: 200, to: logger, redactor: redactor)
            throw error
        }
        switch ending {
        case .completed(let usage): write(status: 200, usage: usage, to: logger, redactor: redactor)
        case .failed(let error, let usage): write(status: error.status, usage: usage, error: error.message, to: logger, redactor: redactor)
        }
        return ending
    }
}
