<?xml version="1.0" encoding="UTF-8"?>
<CHANNEL HREF="worldnews/index.html" LASTMOD="2026-11-24T09:40" PRECACHE="YES" LEVEL="0">
	<TITLE>Meridian World News</TITLE>
	<ABSTRACT>Headlines from Europe, Asia-Pacific and the Americas, delivered to your desktop every morning by the Meridian Wire Service &amp; its correspondents from Zürich to São Paulo.</ABSTRACT>
	<LOGO HREF="worldnews/logo-80x32.svg" STYLE="IMAGE"/>
	<LOGO HREF="worldnews/icon.svg" STYLE="ICON"/>

	<CHANNEL HREF="worldnews/europe/index.html">
		<TITLE>Europe</TITLE>
		<ABSTRACT>From the Atlantic to the Urals.</ABSTRACT>
		<ITEM HREF="worldnews/europe/rail-strike.html" LASTMOD="2026-11-24T06:15">
			<TITLE>Rail Strike Halts Cross-Border Trains</TITLE>
			<ABSTRACT>Signal workers walk out for 48 hours; night trains to Zürich and Milan cancelled.</ABSTRACT>
		</ITEM>
		<ITEM HREF="worldnews/europe/harbour-bridge.html" LASTMOD="2026-11-23T17:05">
			<TITLE>Baltic Harbour Bridge Opens Early</TITLE>
			<ABSTRACT>A €410 million crossing opens three weeks ahead of schedule.</ABSTRACT>
		</ITEM>
		<ITEM ID="meridian-eu-budget-2027" HREF="worldnews/europe/budget-talks.html" LASTMOD="2026-11-24T08:30">
			<TITLE>Budget Talks Run Past Midnight</TITLE>
			<ABSTRACT>Finance ministers near a deal on the 2027 farm &amp; fisheries budget.</ABSTRACT>
		</ITEM>
	</CHANNEL>

	<CHANNEL HREF="worldnews/asia/index.html">
		<TITLE>Asia-Pacific</TITLE>
		<ABSTRACT>News from the Pacific Rim.</ABSTRACT>
		<ITEM HREF="worldnews/asia/typhoon-recovery.html" LASTMOD="2026-11-23T22:50">
			<TITLE>Islands Rebuild After Typhoon Lorna</TITLE>
			<ABSTRACT>Power returns to most of the outer islands; ferries resume on Thursday.</ABSTRACT>
		</ITEM>
		<ITEM HREF="worldnews/asia/chip-plant.html" LASTMOD="2026-11-24T03:20">
			<TITLE>New Chip Plant Breaks Ground</TITLE>
			<ABSTRACT>A regional consortium bets on older, cheaper semiconductor processes.</ABSTRACT>
		</ITEM>
	</CHANNEL>

	<CHANNEL HREF="worldnews/americas/index.html">
		<TITLE>Americas</TITLE>
		<ABSTRACT>From Anchorage to Tierra del Fuego.</ABSTRACT>
		<ITEM HREF="worldnews/americas/sao-paulo-metro.html" LASTMOD="2026-11-24T09:10">
			<TITLE>São Paulo Opens Metro Line 19</TITLE>
			<ABSTRACT>Fourteen new stations link the northern suburbs to the centre.</ABSTRACT>
		</ITEM>
		<ITEM HREF="worldnews/americas/grain-harvest.html" LASTMOD="2026-11-22T14:00">
			<TITLE>Record Grain Harvest Strains Ports</TITLE>
			<ABSTRACT>Lines of barges stretch for kilometres as prairie silos overflow.</ABSTRACT>
		</ITEM>
		<ITEM HREF="worldnews/americas/andes-observatory.html" LASTMOD="2026-11-23T11:45">
			<TITLE>Andes Observatory Sees First Light</TITLE>
			<ABSTRACT>Astronomers at 4,800 m publish the telescope's first image.</ABSTRACT>
		</ITEM>
	</CHANNEL>
</CHANNEL>
