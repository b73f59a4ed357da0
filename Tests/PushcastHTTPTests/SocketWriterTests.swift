import Testing

@testable import PushcastHTTP

/// Where a stream's bytes go (`SocketWriter`): to its socket while nothing waits in the
/// pipeline, else behind what does, so that they keep their order.
@Suite("Socket writer")
struct SocketWriterTests {
    /// A writer past its head, sending straight to descriptor 7.
    static func direct() -> SocketWriter {
        var writer = SocketWriter(descriptor: 7, writtenBefore: true)
        let head = writer.queue()
        #expect(head)
        writer.queuedWriteDone(succeeded: true)
        return writer
    }

    /// A connection that opened with the stream's request has nothing in its pipeline: the
    /// head is sent like a part, and so is what follows it.
    @Test func onAConnectionWithNothingWrittenBeforeTheHeadIsSentToo() {
        var writer = SocketWriter(descriptor: 7, writtenBefore: false)
        #expect(writer.descriptor == 7 && writer.isDrained)
        let rest = writer.sent(200, of: 200)
        #expect(!rest && writer.descriptor == 7)
    }

    /// Behind Hummingbird, its answers may still be in the pipeline: the head goes after them.
    @Test func theHeadGoesFirstThroughThePipelineAndWritesWaitForIt() {
        var writer = SocketWriter(descriptor: 7, writtenBefore: true)
        #expect(writer.descriptor == nil && !writer.isDrained)
        let head = writer.queue()
        #expect(head && writer.descriptor == nil)
        let part = writer.queue()
        #expect(part, "a part written before the head has gone is tracked too")
        writer.queuedWriteDone(succeeded: true)
        #expect(writer.descriptor == nil, "the part is still in the pipeline")
        writer.queuedWriteDone(succeeded: true)
        #expect(writer.descriptor == 7 && writer.isDrained)
    }

    @Test func aWholeSendLeavesNothingToQueue() {
        var writer = Self.direct()
        let rest = writer.sent(460, of: 460)
        #expect(!rest && writer.descriptor == 7 && writer.isDrained)
    }

    @Test func whatASendLeavesOverGoesToThePipelineAndLaterWritesFollowIt() {
        var writer = Self.direct()
        let rest = writer.sent(100, of: 460)
        #expect(rest && writer.descriptor == nil && !writer.isDrained)
        let next = writer.queue()
        #expect(next, "the next part follows the rest, tracked")
        writer.queuedWriteDone(succeeded: true)
        #expect(writer.descriptor == nil, "the next part is still in the pipeline")
        writer.queuedWriteDone(succeeded: true)
        #expect(writer.descriptor == 7, "both have reached the socket: sending again")
    }

    @Test func aFailedSendQueuesTheWholeChunk() {
        var writer = Self.direct()
        let rest = writer.sent(0, of: 460)
        #expect(rest && writer.state == .queued(descriptor: 7, writes: 1))
    }

    @Test func aClosingConnectionIsNeverSentToAgain() {
        var writer = Self.direct()
        let rest = writer.sent(0, of: 460)
        #expect(rest)
        writer.closing()
        writer.queuedWriteDone(succeeded: false)  // the queued write fails as the connection closes
        #expect(writer.descriptor == nil && writer.state == .pipeline)
        let last = writer.queue()
        #expect(!last && writer.descriptor == nil, "untracked: nothing waits for it")
    }

    /// SwiftNIO fails the writes it holds as it closes the connection, before it says the
    /// channel is inactive: a failed write is the end of sending, not a way back to it.
    @Test func aFailedQueuedWriteEndsTheSending() {
        var writer = Self.direct()
        let rest = writer.sent(100, of: 460)
        #expect(rest)
        writer.queuedWriteDone(succeeded: false)
        #expect(writer.state == .pipeline && writer.descriptor == nil)
    }

    @Test func withoutADescriptorEverythingGoesThroughThePipeline() {
        var writer = SocketWriter(descriptor: nil, writtenBefore: false)
        let write = writer.queue()
        #expect(!write)
        writer.queuedWriteDone(succeeded: true)
        #expect(writer.descriptor == nil && !writer.isDrained)
    }
}
