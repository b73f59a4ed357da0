<?xml version="1.0" encoding="UTF-8"?>
<CHANNEL HREF="markets/index.html" LASTMOD="2026-11-24T14:35">
	<TITLE>Ticker Tape Markets</TITLE>
	<ABSTRACT>Stocks, currencies &amp; commodities at a glance: the opening bell, the € and ¥ against the dollar, and a full-screen ticker for idle moments.</ABSTRACT>
	<LOGO HREF="markets/logo-80x32.svg" STYLE="IMAGE"/>
	<LOGO HREF="markets/icon.svg" STYLE="ICON"/>

	<ITEM HREF="markets/open.html" LASTMOD="2026-11-24T14:35">
		<TITLE>Market Open Summary</TITLE>
		<ABSTRACT>Stocks edge higher at the bell as retailers rally ahead of the holiday season.</ABSTRACT>
	</ITEM>
	<ITEM HREF="markets/currencies.html" LASTMOD="2026-11-24T14:20">
		<TITLE>Currencies</TITLE>
		<ABSTRACT>The euro holds near $1.12; the Swiss franc firms after Zürich data.</ABSTRACT>
	</ITEM>
	<ITEM HREF="markets/commodities.html" LASTMOD="2026-11-24T13:50" PRECACHE="NO">
		<TITLE>Commodities</TITLE>
		<ABSTRACT>Copper slips, coffee climbs on Brazilian frost worries, crude steady.</ABSTRACT>
	</ITEM>
	<ITEM HREF="markets/ticker.html" LASTMOD="2026-11-24T14:30">
		<TITLE>Ticker Tape Screen Saver</TITLE>
		<ABSTRACT>A full-screen ticker of the day's movers.</ABSTRACT>
		<USAGE VALUE="ScreenSaver"/>
	</ITEM>
</CHANNEL>
