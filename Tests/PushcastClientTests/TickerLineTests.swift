import PushcastClient
import Testing

@Suite("The ticker line")
struct TickerLineTests {
    @Test func framesScrollThroughTheLoopAtTheGivenWidth() {
        var line = TickerLine(keep: 2)
        #expect(line.frame(width: 10, offset: 0) == "no headlin")
        line.add("a: one")
        line.add("b: two")
        line.add("c: three")  // the oldest goes
        #expect(line.headlines == ["b: two", "c: three"])
        let loop = "b: two" + TickerLine.separator + "c: three" + TickerLine.separator
        #expect(line.frame(width: 6, offset: 0) == "b: two")
        #expect(line.frame(width: 6, offset: 1) == ": two ")
        #expect(line.frame(width: 4, offset: loop.count - 2) == "  b:")  // wraps around
        #expect(line.frame(width: loop.count + 3, offset: 0).count == loop.count + 3)
        #expect(line.frame(width: 0, offset: 5) == "")
    }
}
