"""Words the sample catalog is made of, per genre: title parts, and description sentences."""

from __future__ import annotations

FIRST_NAMES = (
    "Ada", "Alan", "Amara", "Anton", "Beatrix", "Bruno", "Camille", "Caspar", "Clara", "Dalia",
    "Daniel", "Edith", "Elias", "Elena", "Farah", "Felix", "Greta", "Hamid", "Hannah", "Ivan",
    "Ines", "Jonas", "Julia", "Kenji", "Lena", "Leo", "Lucia", "Malik", "Marta", "Mei",
    "Nadia", "Nils", "Olga", "Oscar", "Priya", "Rafael", "Rosa", "Samir", "Sofia", "Tomas",
    "Una", "Victor", "Wanda", "Yusuf", "Zoe", "Harriet", "Arthur", "Imogen", "Rupert", "Noor",
)  # fmt: skip
LAST_NAMES = (
    "Abbott", "Achebe", "Barros", "Bennett", "Castillo", "Chen", "Dumont", "Eriksen", "Fischer",
    "Garcia", "Haddad", "Holm", "Ivanova", "Jansen", "Kowalski", "Lindqvist", "Marlowe", "Moreau",
    "Nakamura", "Novak", "Okafor", "Oliveira", "Petrov", "Quinn", "Rahman", "Rossi", "Santos",
    "Schmidt", "Tanaka", "Thorne", "Ueda", "Varga", "Walsh", "Whitfield", "Xu", "Yilmaz",
    "Zielinski", "Ashdown", "Blackwood", "Carver", "Delacroix", "Fairweather", "Greenhalgh",
)  # fmt: skip

PLACES = (
    "Avalon", "Brightwater", "the North", "Kestrel Bay", "Lisbon", "Marrakesh", "Oxford",
    "the Steppe", "Valparaiso", "Winterfold", "the Old Quarter", "Harrow Hill", "the Fens",
    "Samarkand", "the Delta", "Port Ellis", "the Highlands", "Kyoto", "Trieste", "Ashbury",
)  # fmt: skip

# genre -> (adjectives, nouns, description sentences with {name}, {place}, {noun})
GENRES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "Fantasy": (
        ("Silver", "Hollow", "Burning", "Forgotten", "Ninth", "Winter", "Shattered", "Gilded"),
        ("Crown", "Dragon", "Throne", "Wizard", "Tower", "Oath", "Blade", "Sorceress", "Realm"),
        (
            "When the last {noun} of {place} wakes, {name} must choose between home and the old magic.",
            "A young apprentice named {name} steals a {noun} and starts a war between wizards.",
            "Prophecy, betrayal and a dragon that remembers everything.",
            "The first book of a saga set in {place}, where every oath has a price.",
        ),
    ),
    "Science Fiction": (
        ("Distant", "Silent", "Quantum", "Red", "Last", "Hollow", "Infinite", "Broken"),
        ("Star", "Colony", "Signal", "Orbit", "Machine", "Horizon", "Station", "Nebula", "Drift"),
        (
            "Three hundred years after the colony ship left Earth, {name} hears a {noun} from home.",
            "An engineer on a dying station discovers the {noun} was never a malfunction.",
            "First contact goes wrong in the outer belt, and {name} is the only witness.",
            "A hard science fiction novel about time, distance and the people who wait.",
        ),
    ),
    "Mystery": (
        ("Quiet", "Crimson", "Locked", "Seventh", "Drowned", "Cold", "Hidden", "Crooked"),
        (
            "Room",
            "Murder",
            "Key",
            "Alibi",
            "Witness",
            "Garden",
            "Letter",
            "Detective",
            "Inheritance",
        ),
        (
            "Inspector {name} returns to {place} to solve a murder nobody admits happened.",
            "A locked room, a missing {noun} and five guests who all lie.",
            "A cosy mystery with a sharp-tongued detective and a village full of secrets.",
            "Twenty years later, a letter reopens the coldest case in {place}.",
        ),
    ),
    "Thriller": (
        ("Dark", "Final", "Silent", "Deadly", "Black", "Burning", "Hunted", "Fatal"),
        ("Protocol", "Target", "Code", "Agent", "Hour", "Conspiracy", "Asset", "Signal", "Pursuit"),
        (
            "A former agent, {name}, has forty-eight hours to stop a conspiracy reaching {place}.",
            "Hunted across three continents, a journalist uncovers the {noun} behind a bombing.",
            "A relentless thriller of spies, lies and a list that must never be read.",
        ),
    ),
    "Romance": (
        ("Summer", "Sweet", "Second", "Wild", "Secret", "Midnight", "Unexpected", "Perfect"),
        ("Kiss", "Promise", "Heart", "Wedding", "Letters", "Season", "Bakery", "Affair", "Vow"),
        (
            "{name} swore never to return to {place}, until a wedding and an old flame.",
            "A bookshop, a rival café across the street and a love neither saw coming.",
            "A heartwarming story of second chances by the sea.",
        ),
    ),
    "Historical Fiction": (
        ("Last", "Winter", "Iron", "Golden", "Lost", "Painted", "Empress's", "Silk"),
        ("Empire", "Queen", "Harvest", "Voyage", "Court", "Cartographer", "Rebellion", "Road"),
        (
            "In {place}, 1848, {name} joins a rebellion that will change a continent.",
            "A sweeping novel of a family across three wars and one stubborn vineyard.",
            "The story of the mapmaker who drew the {noun} of an empire and then erased it.",
        ),
    ),
    "Horror": (
        ("Hungry", "Pale", "Rotten", "Silent", "Hollow", "Drowning", "Crawling", "Grey"),
        ("House", "Children", "Well", "Harvest", "Chapel", "Woods", "Mirror", "Night", "Doll"),
        (
            "The house in {place} was cheap for a reason, and {name} is about to learn it.",
            "Something in the woods has learned to imitate voices.",
            "A slow-burning horror novel about grief and what answers when you call.",
        ),
    ),
    "Biography": (
        ("Unfinished", "Remarkable", "Restless", "Brilliant", "Quiet", "Fearless"),
        ("Life", "Mind", "Journey", "Genius", "Years", "Voice", "Legacy", "Portrait"),
        (
            "The definitive life of {name}, drawn from letters never published before.",
            "From a childhood in {place} to the world stage: a portrait of a restless mind.",
            "An intimate biography of a scientist history almost forgot.",
        ),
    ),
    "History": (
        ("Great", "Forgotten", "Long", "Bitter", "First", "Hidden", "Rising", "Fallen"),
        ("War", "Empire", "Silk Road", "Revolution", "Plague", "Century", "Republic", "Ocean"),
        (
            "A vivid history of {place}, from its founding to its fall.",
            "How trade, disease and ambition made the modern world.",
            "Drawing on new archives, a historian retells the {noun} from below.",
        ),
    ),
    "Science": (
        ("Hidden", "Elegant", "Invisible", "Selfish", "Restless", "Living", "Curious"),
        ("Universe", "Gene", "Brain", "Cell", "Planet", "Atom", "Climate", "Forest", "Ocean"),
        (
            "A lively tour of what we know about the {noun}, and what we are only guessing.",
            "A physicist explains the ideas behind quantum mechanics without a single equation.",
            "Why forests talk, rivers remember and cities sweat: science for the curious.",
        ),
    ),
    "Self-Help": (
        ("Atomic", "Quiet", "Deep", "Better", "Simple", "Daily", "Calm", "Brave"),
        ("Habits", "Focus", "Mind", "Work", "Life", "Decisions", "Mornings", "Courage"),
        (
            "Small changes, remarkable results: a practical guide to better {noun}.",
            "How to do deep work in a distracted world.",
            "A calm, evidence-based book about attention, rest and saying no.",
        ),
    ),
    "Cooking": (
        ("Simple", "Salt", "Everyday", "Slow", "Green", "Sunday", "Mediterranean", "Smoky"),
        ("Kitchen", "Table", "Bread", "Feast", "Pantry", "Suppers", "Baking", "Flavours"),
        (
            "One hundred recipes from the kitchens of {place}, tested for home cooks.",
            "Salt, fat, acid and heat: the elements of good cooking, explained.",
            "Weeknight suppers that take thirty minutes and one pan.",
        ),
    ),
    "Poetry": (
        ("Wild", "Small", "Salt", "Blue", "Night", "Unquiet", "Late", "Tender"),
        ("Hours", "Psalms", "Weather", "Light", "Songs", "Rivers", "Birds", "Elegies"),
        (
            "A debut collection of poems about {place}, loss and the sea.",
            "Poems of weather, birds and the long work of grief.",
            "New and selected poems from a celebrated voice.",
        ),
    ),
    "Children's": (
        ("Very", "Little", "Brave", "Sleepy", "Giant", "Magic", "Curious", "Grumpy"),
        ("Bear", "Caterpillar", "Dragon", "Owl", "Robot", "Penguin", "Treehouse", "Fox"),
        (
            "A {noun} who cannot sleep sets off to find the moon.",
            "A picture book about friendship, sharing and one very large cake.",
            "Bedtime adventures in {place} for readers aged four to eight.",
        ),
    ),
    "Travel": (
        ("Slow", "Long", "Wild", "Lonely", "Wandering", "Hidden", "Southern", "Northern"),
        ("Road", "Journey", "Coast", "Walk", "Passage", "Islands", "Railway", "Mountains"),
        (
            "On foot from {place} to the sea: a walk through forgotten villages.",
            "A traveller's guide to night trains, border towns and good coffee.",
            "Essays from the road, six continents and one broken suitcase.",
        ),
    ),
}

# Famous titles, so a newcomer's first searches ("hobit", "pride") find something familiar.
CLASSICS: tuple[tuple[str, str, str, str], ...] = (
    ("The Hobbit", "J. R. R. Tolkien", "Fantasy", "Bilbo Baggins is swept into a quest for a dragon's treasure."),
    ("The Fellowship of the Ring", "J. R. R. Tolkien", "Fantasy", "Frodo sets out from the Shire to destroy the One Ring."),
    ("A Wizard of Earthsea", "Ursula K. Le Guin", "Fantasy", "A gifted boy looses a shadow on the world and must hunt it."),
    ("Pride and Prejudice", "Jane Austen", "Romance", "Elizabeth Bennet and Mr Darcy misjudge each other, at length."),
    ("Emma", "Jane Austen", "Romance", "A matchmaker in Highbury is wrong about almost everyone."),
    ("Jane Eyre", "Charlotte Brontë", "Romance", "An orphaned governess finds love and a secret at Thornfield Hall."),
    ("Wuthering Heights", "Emily Brontë", "Romance", "Passion and revenge on the Yorkshire moors."),
    ("Frankenstein", "Mary Shelley", "Horror", "A scientist makes a creature and abandons it."),
    ("Dracula", "Bram Stoker", "Horror", "A Transylvanian count comes to England."),
    ("The Time Machine", "H. G. Wells", "Science Fiction", "A traveller visits the year 802,701."),
    ("The War of the Worlds", "H. G. Wells", "Science Fiction", "Martians land in Surrey."),
    ("Twenty Thousand Leagues Under the Sea", "Jules Verne", "Science Fiction", "Captain Nemo and the Nautilus."),
    ("The Hound of the Baskervilles", "Arthur Conan Doyle", "Mystery", "Sherlock Holmes and a spectral hound on the moor."),
    ("The Moonstone", "Wilkie Collins", "Mystery", "A cursed diamond vanishes from a country house."),
    ("Moby-Dick", "Herman Melville", "Historical Fiction", "Captain Ahab hunts the white whale."),
    ("War and Peace", "Leo Tolstoy", "Historical Fiction", "Russian families through the Napoleonic wars."),
    ("Great Expectations", "Charles Dickens", "Historical Fiction", "Pip, a convict, a jilted bride and great expectations."),
    ("Treasure Island", "Robert Louis Stevenson", "Children's", "Jim Hawkins, a map and Long John Silver."),
    ("Alice's Adventures in Wonderland", "Lewis Carroll", "Children's", "Alice follows a white rabbit."),
    ("The Origin of Species", "Charles Darwin", "Science", "Evolution by natural selection."),
)  # fmt: skip
