"""The composer's voice rules: units that stand alone, rewording by rule, next steps, citing."""

from __future__ import annotations

from coach.voice import (
    Unit,
    actionability,
    as_own_rule,
    asks_how_things_are,
    build_units,
    cite,
    draft_offer,
    drop_connective,
    fits_question_type,
    for_mentors,
    is_candidate,
    is_imperative,
    is_pledge,
    is_sample,
    is_story,
    leans_on_predecessor,
    name_the_mentor,
    note_kind,
    parse_offer,
    reword,
    second_person,
    shows_note_kind,
    strip_markup,
    tells_to_write,
    what_if,
)


def test_a_lead_in_keeps_its_list_with_nesting():
    text = ("Before the call, get three things ready:\n- a question\n  - written down\n"
            "- a goal\n- your notes\n\nKeep it short and friendly with everyone.")
    units = build_units(text)
    lead = next(u for u in units if u.items)
    assert lead.sentences == ["Before the call, get three things ready:"]
    assert lead.items == [(0, "a question"), (1, "written down"), (0, "a goal"),
                          (0, "your notes")]
    assert any(u.sentences == ["Keep it short and friendly with everyone."] for u in units)


def test_a_paragraph_that_stops_mid_clause_before_a_list_is_its_lead_in():
    text = ("If you join the scheme as a mentee you should\n\n- Read the handbook before the "
            "first meeting\n- Reply to your mentor within a week\n\nWhat matters most\n\n"
            "- Keep every meeting to the hour you agreed")
    lead = next(u for u in build_units(text) if u.items)
    assert lead.sentences == ["If you join the scheme as a mentee you should:"]
    assert [t for _, t in lead.items] == ["Read the handbook before the first meeting",
                                          "Reply to your mentor within a week"]
    # a short heading above a list is its topic, not a lead-in: its items stand alone
    assert any(u.sentences == ["Keep every meeting to the hour you agreed"] and not u.items
               for u in build_units(text))


def test_a_list_of_paragraphs_gives_a_point_per_sentence_under_its_heading():
    # A page's "For Mentees:" over items of several sentences each: a lead-in said with its
    # list ran to ten sentences, and the "For Mentors:" twin was said to the mentee.
    text = ("For Mentees:\n\n"
            "- Be punctual. Arrive a few minutes early to every session you have booked.\n"
            "- Speak up. Tell your mentor plainly what you hope to get out of the year.\n\n"
            "For Mentors:\n\n"
            "- Be punctual. Arrive early and keep to the time you both agreed.\n"
            "- Listen first. Ask questions before offering any advice of your own.")
    units = build_units(text)
    assert not any(u.items for u in units)
    said = {u.sentences[0]: u.topic for u in units}
    assert said["Arrive a few minutes early to every session you have booked."] == "For Mentees"
    assert said["Arrive early and keep to the time you both agreed."] == "For Mentors"
    assert for_mentors(said["Arrive early and keep to the time you both agreed."])
    # a lead-in over one-sentence items keeps its list
    short = "Bring these:\n- a question you are stuck on\n- your notes from last time"
    assert [u.items for u in build_units(short)][0]


def test_a_sentence_counting_the_list_after_it_is_said_with_that_list():
    # "This simple email serves three important purposes." was said without the three
    text = ("Send your mentor a short note the same day. It serves two purposes.\n\n"
            "- It thanks them for their time.\n- It gives you a record of what you agreed.\n\n"
            "Keep a copy of every note you send.")
    lead = next(u for u in build_units(text) if u.items)
    assert lead.sentences[-1] == "It serves two purposes:"
    assert [t for _, t in lead.items] == ["It thanks them for their time.",
                                          "It gives you a record of what you agreed."]
    # a finished sentence that counts nothing keeps its full stop, and the list stands alone
    plain = "Send a short note the same day.\n\n- Thank them.\n- Say what you agreed to do."
    assert not any(u.items for u in build_units(plain))


def test_an_faq_s_question_label_heads_its_answer_and_a_related_link_is_not_said():
    text = ("Q: I only want advice on one decision, not a long mentorship.\n\n"
            "A: Ask for a single meeting about that decision and say so in your request.\n\n"
            "Related: Twelve ways to thank a mentor who helped you")
    units = build_units(text)
    assert [u.sentences for u in units] == [
        ["Ask for a single meeting about that decision and say so in your request."]]
    assert units[0].topic == "I only want advice on one decision, not a long mentorship."


def test_an_example_label_leans_on_what_it_illustrates():
    assert leans_on_predecessor("Example: \u201cThanks to you, I feel ready for the panel.\u201d")
    assert leans_on_predecessor("Examples: a recap, a thank-you, a short update.")
    assert leans_on_predecessor("For example:")  # a lead-in for examples of what came before
    assert not leans_on_predecessor("For example, ask how she prefers to be contacted.")
    assert not leans_on_predecessor("Ask for one example of a time your mentor failed.")


def test_a_negated_order_a_passive_rule_and_a_reassurance_tell_the_mentee_how_to_act():
    # each answered its question on a real page, and lost the first place to a weaker order
    for sentence in ("You shouldn't spend more than two hours on the post.",
                     "You don't have to reply on the same day.",
                     "Time zones should be included in every invitation.",
                     "It's fine if you haven't finished everything you planned."):
        assert actionability(Unit([sentence])) >= 0.6, sentence
    assert actionability(Unit(["It is not acceptable to hide a mistake from your mentor."])) == 0.6
    assert actionability(Unit(["Mentees are always encouraged to find a second mentor."])) == 0.6
    assert actionability(Unit(["Mentoring is development, not secrecy."])) == 0.0


def test_the_writer_setting_the_reader_s_rules_is_said_as_a_rule_not_as_the_coach_s_i():
    # a supervisor's "I expect every student to TA" is no story of the writer's, and the coach
    # does not say it as "I"
    assert not is_story("I expect every student to TA at least two semesters.")
    assert actionability(Unit(["We cannot allow a placement to be paused."])) == 0.6
    assert reword(["I expect every student to TA at least two semesters."]) == [
        "Every student is expected to TA at least two semesters."]
    assert reword(["I strongly encourage you to take on a side project."]) == [
        "You're strongly encouraged to take on a side project."]
    assert is_story("I asked my supervisor for a side project in my first year.")


def test_a_programme_speaking_as_we_about_its_participants_sets_rules_not_a_story():
    # "We would usually expect mentors and mentees to meet every 4 to 8 weeks" was never said
    # as a supporting point: it counted as the writer's own story
    for rule in ["We usually expect mentors and mentees to meet every six weeks for a year.",
                 "If we cannot find a match, we will contact you within a month.",
                 "Our matching means you are never paired with your own manager."]:
        assert not is_story(rule), rule
        assert actionability(Unit([rule])) >= 0.0
    for story in ["We met every Friday and I learnt a lot from my mentor.",
                  "We talk every week about my progress.",
                  "We went to the same conference in 2019."]:
        assert is_story(story), story


def test_a_mentee_s_own_pledge_list_is_said_to_the_reader():
    assert is_pledge("I will ...") and is_pledge("As a mentee, I agree to:")
    assert as_own_rule("not miss meetings because I feel unprepared") == \
        "Don't miss meetings because you feel unprepared"
    assert as_own_rule("be honest with myself and my mentor") == \
        "Be honest with yourself and your mentor"


def test_the_writer_named_in_an_order_to_the_reader_is_the_mentor_not_the_coach():
    # a supervisor's page: "let me know" said by the coach would mean the coach
    assert reword(["Take time off when you need it, but please let me know in advance."]) == [
        "Take time off when you need it, but please let your mentor know in advance."]
    assert reword(["Put our meetings in my calendar."]) == [
        "Put our meetings in your mentor's calendar."]
    # the writer's own story, a mentee's own rules and "let me explain" stay as written
    for kept in ("I asked my supervisor to read it.", "Let me explain how this works.",
                 "Let my mentor know when I cannot meet."):
        assert reword([kept]) == [kept]


def test_the_page_s_own_programme_opens_a_point_as_the_programme():
    # "This program is a job and needs ..." opened a paragraph and was never said
    assert not leans_on_predecessor("This mentorship programme is open to graduates too.")
    assert reword(["This mentorship programme is open to graduates too."]) == [
        "The mentorship programme is open to graduates too."]
    assert reword(["This scheme runs for six months."]) == ["The scheme runs for six months."]
    assert leans_on_predecessor("This means your mentor will reply late.")
    assert reword(["This programming course is optional."]) == [
        "This programming course is optional."]


def test_a_quoted_sample_message_is_a_sample_not_advice():
    assert is_sample(Unit(["\u201cHi. I have enjoyed our sessions, but I've decided to end our "
                           "mentorship. Thank you again for your time.\u201d"]))
    assert not is_sample(Unit(["Say something like \u201cthanks for making the time\u201d."]))
    assert fits_question_type("What should I put in my first message?",
                              Unit(["\u201cHi. I'm looking to grow in data work and would love "
                                    "to hear back.\u201d"]))


def test_a_sample_closed_with_the_wrong_quotation_mark_is_still_a_sample():
    # a real page closed its sample message with an opening mark; the reply lost the opening
    # one and said the message as an answer to "how do we keep in touch?"
    units = build_units("\u201cHi. I have enjoyed our sessions. Thank you again for your "
                        "time.\u201c")
    assert [u.sentences[0][:3] for u in units] == ["\u201cHi"]
    assert is_sample(units[0])
    assert fits_question_type("How do I tell them without being rude?", units[0])
    assert not fits_question_type("How can I tell if my mentor is annoyed?", units[0])


def test_a_pointer_to_another_part_of_the_page_is_not_said_as_if_it_were_here():
    assert leans_on_predecessor("Use what you learned in step one!")
    assert leans_on_predecessor("Whichever above-mentioned role you hold, plan your time.")
    assert drop_connective("As stated above, we expect interns to work 40 hours a week.") == (
        "We expect interns to work 40 hours a week.")
    assert drop_connective("Like we've talked about before, mentorships don't have to be "
                           "formal.") == "Mentorships don't have to be formal."
    assert not is_candidate("Plenty of questions about mentoring will be answered in our "
                            "article!")
    assert not is_candidate("Review Action Items from the Previous Meeting")
    assert not is_candidate("As a mentor, you are entitled to pull back at any time.")
    assert is_candidate("As a mentee, you are entitled to ask for a new match.")
    assert is_candidate("Review the action items from your previous meeting")


def test_an_existential_there_or_a_named_both_stands_alone():
    # "There's no special licence ..." opened a paragraph and was never said
    for sentence in ["There\u2019s no set number of hours before you can volunteer.",
                     "There will be busy weeks when your mentor replies late.",
                     "There isn't one right way to ask.",
                     "Both your mentor and your manager can sign the form."]:
        assert not leans_on_predecessor(sentence), sentence
    for sentence in ["There, you will find the sign-up form.", "Both are worth a try.",
                     "These reports don't have to be long."]:
        assert leans_on_predecessor(sentence), sentence


def test_a_comparison_with_the_sentence_before_leans_on_it():
    # "Even better if it's on the topic of their talk" was said alone: better than what?
    assert leans_on_predecessor("Even better if it's on the topic of their talk.")
    assert leans_on_predecessor("Put another way: a mentor points, you do the walking.")
    assert not leans_on_predecessor("Better preparation makes a shorter meeting.")
    assert leans_on_predecessor("Same goes for long emails.")
    assert leans_on_predecessor("Other times, you might realise you've become friends.")
    # a dash that joined it to the sentence before hides nothing
    assert leans_on_predecessor("- that's why you should try it yourself first.")
    assert leans_on_predecessor("Be sure you take this into account when you plan.")
    assert not leans_on_predecessor("Keep in mind that mentors are busy.")
    # an FAQ answer's verdict leans on the question it answers
    assert leans_on_predecessor("Usually yes, especially if the mentor is in your organization.")
    assert leans_on_predecessor("Not necessarily, but ask first.")


def test_an_example_set_as_a_bullet_is_said_with_the_paragraph_it_illustrates():
    units = build_units("Give your mentor time to help.\n\n- Example: If you need a reference, "
                        "ask four weeks ahead and send your CV with the request.\n\n"
                        "Keep your own notes.")
    joined = [u for u in units if len(u.sentences) == 2]
    assert [u.sentences for u in joined] == [[
        "Give your mentor time to help.",
        "Example: If you need a reference, ask four weeks ahead and send your CV with the "
        "request."]]
    assert not any(u.sentences[0].startswith("Example") for u in units)  # never alone


def test_a_page_signposting_its_own_structure_is_not_advice():
    units = build_units("In this unit, we'll look at two kinds of mentoring and how each "
                        "starts. Let's begin with the informal kind. Ask a founder you know for "
                        "twenty minutes of advice before you ask for anything more.")
    assert [u.text for u in units] == [
        "Ask a founder you know for twenty minutes of advice before you ask for anything more."]
    # a hypothetical or a programme's own rule is not a signpost
    assert is_candidate("Let's say your mentor cancels twice; then ask what would suit them.")
    assert is_candidate("In this programme you will meet your mentor once a month for an hour.")


def test_advice_for_mentors_is_not_said_to_a_mentee():
    assert not is_candidate("Encourage your mentee to be pro-active between meetings.")
    assert is_candidate("Encourage your mentor to share what worked for her.")
    # the units themselves are cut with this check: a question set with a full stop and a
    # pointer to a link that was dropped are not advice
    assert not is_candidate("But what if you aren't getting a detailed response from your mentor.")
    assert not is_candidate("Read this article to learn more about feedback.")
    for heading in ["DO's (Mentor)", "Guide \u203a For mentors", "Mentor tips", "Great mentors:",
                    "Onboarding \u203a For buddies", "Tips for coaches",
                    "Checklist (for supervisors)", "Ending early › If you're the mentor",
                    "When you are a mentor", "As a buddy"]:
        assert for_mentors(heading), heading
    for heading in ["DO's (Mentee)", "For mentees", "Finding a mentor", "The mentor's role",
                    "Tips for Mentors and Mentees", "Great mentees:",
                    "For buddies and new starters", "For new contributors",
                    "If you're the mentee", "If you are the mentor's manager"]:
        assert not for_mentors(heading), heading



def test_a_myth_the_page_refutes_is_never_said():
    units = build_units("Myth: your mentor must be older and more senior than you. Reality: a "
                        "peer two years ahead of you can be an excellent mentor.")
    assert [u.sentences for u in units] == [
        ["Reality: a peer two years ahead of you can be an excellent mentor."]]
    assert build_units("Common myth #2 \u2013 mentoring is only for people early in a career.") \
        == []


def test_an_opening_clause_that_ends_on_a_pointing_word_leans():
    for sentence in ("Now that you've done that, think about how to reach out.",
                     "Once you have it, share it with your mentor.",
                     "Having said that, keep the first message short.",
                     "If not, ask the coordinator for a new match.",
                     "If you're unsure, mention what you have achieved so far."):
        assert leans_on_predecessor(sentence), sentence
    for sentence in ("When you meet for the first time, bring two questions.",
                     "If you can, send the agenda a day ahead."):
        assert not leans_on_predecessor(sentence), sentence


def test_a_pronoun_pair_is_one_mention_of_the_mentor():
    assert name_the_mentor(["Invite him/her to coffee before you ask."]) == [
        "Invite your mentor to coffee before you ask."]
    assert name_the_mentor(["Respect his or her time."]) == ["Respect your mentor's time."]


def test_a_heading_the_page_set_as_text_is_a_topic_not_a_point():
    units = build_units("Make sure your connection works well\n\nTest your camera and sound "
                        "the day before the call.")
    assert [u.sentences for u in units] == [["Test your camera and sound the day before the "
                                             "call."]]
    assert units[0].topic == "Make sure your connection works well"


def test_an_faq_question_is_the_topic_of_its_answer():
    question = "What happens if my match and I agree that the pairing is not working out?"
    units = build_units(f"{question}\n\nTell the programme office, who will try to fix it.")
    assert [u.sentences for u in units] == [["Tell the programme office, who will try to fix "
                                             "it."]]
    assert units[0].topic == question  # its answer is embedded under it, as a heading's is
    units = build_units(f"Q: {question}\n\nA: Write to the programme office, who will look for "
                        "a better match.")
    assert [u.sentences for u in units] == [["Write to the programme office, who will look for "
                                             "a better match."]]  # no "A:" label
    units = build_units("GOALS: Agree one goal for the first three months with your mentor.\n\n"
                        "Tips to remember:\n- 1) Be personal: say what helped you and why.\n"
                        "- 2) Show action: say what you did with the advice.")
    assert units[0].sentences == ["Agree one goal for the first three months with your mentor."]
    assert build_units("DON'T: cancel a meeting on the morning it is due.")[0].sentences == [
        "DON'T: cancel a meeting on the morning it is due."]  # the label is the advice's sense
    assert [t for _, t in units[1].items] == ["Be personal: say what helped you and why.",
                                              "Show action: say what you did with the advice."]


def test_a_lead_in_that_leans_back_is_said_with_the_sentence_it_needs():
    text = ("When your goals are met, tell your mentor you are ready to wrap up. Here's how:\n"
            "- Thank them for their time.\n- Say which goals you reached.")
    lead = next(u for u in build_units(text) if u.items)
    assert lead.sentences == ["When your goals are met, tell your mentor you are ready to "
                              "wrap up.", "Here's how:"]
    assert [t for _, t in lead.items] == ["Thank them for their time.",
                                         "Say which goals you reached."]


def test_a_bare_lead_in_with_nothing_before_it_leaves_its_items_to_stand_alone():
    units = build_units("Below are some tips:\n- Book the next meeting before you leave.\n"
                        "- Send a short recap the same day.")
    assert [u.sentences for u in units] == [["Book the next meeting before you leave."],
                                            ["Send a short recap the same day."]]
    assert not any(u.items for u in units)
    assert len({k for u in units for k in u.keys}) == 2  # each its own place
    named = build_units("Here are the ground rules for your first meeting:\n- Be on time.\n"
                        "- Bring one question.")
    assert named[0].sentences == ["Here are the ground rules for your first meeting:"]


def test_a_sentence_that_leans_on_its_predecessor_is_joined_with_it_or_dropped():
    units = build_units("Your mentor may stop answering for a while. Likely, she is simply "
                        "overwhelmed by other demands.")
    assert [u.sentences for u in units][-1] == [
        "Your mentor may stop answering for a while.",
        "Likely, she is simply overwhelmed by other demands."]
    alone = build_units("This is why the first message matters so much to everyone.")
    assert alone == []


def test_leaning_sentences_are_recognised():
    assert leans_on_predecessor("These notes help your mentor prepare.")
    assert leans_on_predecessor("Likely, she feels overwhelmed.")
    assert leans_on_predecessor("Below are the steps we suggest.")
    assert not leans_on_predecessor("There are three ways to find a mentor.")
    assert not leans_on_predecessor("Send a short note the same day.")


def test_sentences_that_follow_on_or_point_back_mid_sentence_lean():
    # Each of these, said alone, leaves the mentee asking "more common than what?", "which
    # patterns?", "read what?" - they were seen as reply points before the rule.
    assert leans_on_predecessor("More common, though, is when you have to make the first move.")
    assert leans_on_predecessor("Another option is to ask the coordinator.")
    assert leans_on_predecessor("If you fall into any of these patterns, find a new mentor.")
    assert leans_on_predecessor("Your mentor should be able to read it on a phone.")
    assert leans_on_predecessor("Remember that your mentor agreed to this.")
    assert leans_on_predecessor("Ask for them one at a time, and keep each ask small.")
    assert leans_on_predecessor("Read them before your first session.")
    assert leans_on_predecessor("The relationships grow out of that on their own.")
    assert leans_on_predecessor("Afterwards, write a thank-you note that names one thing.")
    assert leans_on_predecessor("In the meantime, keep your notes up to date.")
    assert leans_on_predecessor("We have watched two people drift apart that way.")
    # ... while an "it" with something to stand for, a lead-in, or "those who" stand alone.
    assert not leans_on_predecessor("Learn to pronounce her name, writing it down if you need to.")
    assert not leans_on_predecessor("Agree on a time and stick to it.")
    assert not leans_on_predecessor("Make it easy for your mentor to say no.")
    assert not leans_on_predecessor("Try this: send one line the same day.")
    assert not leans_on_predecessor("Talk to those who have done the programme before.")
    assert not leans_on_predecessor("Thank your mentor and let them know how it went.")
    assert not leans_on_predecessor("Tell them what happened as a result.")  # the mentor
    assert not leans_on_predecessor("Write down anything you can from that call.")
    assert not leans_on_predecessor("After the third cancellation, offer a lighter format.")
    assert not leans_on_predecessor("Say it plainly, so that your mentor knows where you stand.")
    units = build_units("Keep it to a single screen. Your mentor should be able to read it on a "
                        "phone.")
    assert units == []  # nothing in the passage says what "it" is: neither sentence is said


def test_an_it_that_stands_for_what_follows_does_not_lean():
    # English extraposition: the "it" is the clause after it, so the sentence stands alone
    for sentence in ["It's possible to outgrow a mentor, just as you outgrow a job.",
                     "It is important that you reply within a week.",
                     "It is worth asking twice.", "It also helps to know what you want.",
                     "It is your decision whether to take the advice."]:
        assert not leans_on_predecessor(sentence), sentence
    # ... while an "it" that names something said before still leans
    for sentence in ["It's nothing personal.", "It was a bad meeting.", "It takes time."]:
        assert leans_on_predecessor(sentence), sentence


def test_flow_words_are_dropped_when_a_point_is_lifted_out():
    assert drop_connective("Finally, be careful about what you ask for.") == \
        "Be careful about what you ask for."
    assert drop_connective("Yet a mentor who only hears agreement cannot help you.") == \
        "A mentor who only hears agreement cannot help you."
    assert drop_connective("As well, you should agree when notes may be shared.") == \
        "You should agree when notes may be shared."
    assert drop_connective("However you must be in your second year to apply.") == \
        "You must be in your second year to apply."
    assert drop_connective("However you do it, keep it short.") == \
        "However you do it, keep it short."
    # an "also" that adds to a point the reply never made
    assert drop_connective("You should also mention what you hope to learn.") == \
        "You should mention what you hope to learn."
    assert drop_connective("It\u2019s also worth keeping a note of each meeting.") == \
        "It\u2019s worth keeping a note of each meeting."
    assert drop_connective("Mentors can also be wrong.") == "Mentors can also be wrong."


def test_a_quotation_running_past_a_sentence_loses_its_stray_mark():
    # a quoted passage over several paragraphs: its marks open one and close another
    text = ("\u201cIt is tempting to spend a session showing off your results.\n\n"
            "Listen first and say \u201cthank you\u201d for every piece of feedback.\n\n"
            "Most mentors would rather you asked for help.\u201d")
    said = [u.sentences for u in build_units(text)]
    assert said == [["It is tempting to spend a session showing off your results."],
                    ["Listen first and say \u201cthank you\u201d for every piece of feedback."],
                    ["Most mentors would rather you asked for help."]]


def test_markup_is_stripped_and_noise_lines_dropped():
    assert strip_markup("**Write** to [your mentor](http://x.org) `soon`") == \
        "Write to your mentor soon"
    text = "## Heading\n\n| a | b |\n\n!!! warning \"Careful\"\n    Reply within a week, always."
    assert [u.text for u in build_units(text)] == ["Reply within a week, always."]


def test_a_blog_s_buttons_notes_and_asides_are_not_said_as_advice():
    text = ("A short thank-you note affirms how much the help meant. "
            "[Click to Tweet]\n\n- [UPDATE: Watch my video answer on this by clicking here!]\n"
            "- Ask your manager who they would suggest you talk to.\n\n"
            "(I suggest you revisit your goals with your mentor every few months.)")
    assert [u.text for u in build_units(text)] == [
        "A short thank-you note affirms how much the help meant.",
        "Ask your manager who they would suggest you talk to.",
        "I suggest you revisit your goals with your mentor every few months."]
    assert not is_candidate("Two people talking Sample mentoring agreement (Word)")  # a link
    # a heading set as a numbered item; an item naming an office is still said
    assert not is_candidate("Identify the Occupation or Industry You Wish to Learn About")
    assert is_candidate("Visit the Career Development Center before your first interview")
    # a lead-in whose list the page lost (a PDF's bullets came out empty)
    assert [u.text for u in build_units("Plan each meeting to make the most of:\n\n\n\n")] == []
    assert is_candidate("Bring a printed copy of the agreement (two pages) to the meeting.")


def test_an_unattached_she_becomes_your_mentor_once():
    assert name_the_mentor(["Send her a note, thanking her for her help."]) == [
        "Send your mentor a note, thanking her for her help."]
    assert name_the_mentor(["Read her profile before the call."]) == [
        "Read your mentor's profile before the call."]
    assert name_the_mentor(["Buy her lunch instead of a gift."]) == [
        "Buy your mentor lunch instead of a gift."]
    assert name_the_mentor(["She may simply be busy this month."]) == [
        "Your mentor may simply be busy this month."]


def test_the_writer_s_view_or_habit_in_the_present_is_advice_not_a_story():
    # "I like to keep a running doc ..." answered "any tips for keeping notes?" but, as the
    # writer's story, was never said as a supporting point
    for view in ["I think the trick is to keep two small projects going at once.",
                 "I like to keep a shared page where we both add topics between calls.",
                 "I've found that a short agenda sent the day before saves half the meeting.",
                 "I can't stress this enough: booking the room is your job.",
                 "I do expect you to tell me when a deadline is slipping."]:
        assert not is_story(view), view
        assert actionability(Unit([view])) >= 0.0
    for view in ["I have found that a small side project together teaches a new language best.",
                 "I've also had good luck with asking two mentors the same question."]:
        assert not is_story(view), view
    for story in ["I found my first mentor at a meetup in 2015.",
                  "I sent him three emails that spring and heard nothing."]:
        assert is_story(story), story


def test_a_she_with_someone_to_point_back_to_or_in_the_writers_story_stays():
    kept = ["Ask a colleague whether she would meet you for coffee."]
    assert name_the_mentor(kept) == kept
    story = ["If I'd kept chasing him, I doubt he would have answered."]
    assert name_the_mentor(story) == story


def test_a_question_s_form_asks_for_a_kind_of_content():
    often = "How often should we meet?"
    assert fits_question_type(often, Unit(["Meet every three to four weeks."]))
    assert not fits_question_type(often, Unit(["Meetings work best with an agenda."]))
    assert fits_question_type("When should I send the recap?", Unit(["Send it within a day."]))
    assert fits_question_type("What should I write in the email?",
                              Unit(["Cover these points:"], [(0, "who you are")]))
    assert not fits_question_type("Is it ok to ask my mentor for feedback?",
                                  Unit(["Ask every two or three calls."]))
    # hours a week ask for a span, not any count ("take a couple of days" is no answer)
    hours = "How many hours per week should I put in?"
    assert fits_question_type(hours, Unit(["Plan on about 40 hours a week."]))
    assert not fits_question_type(hours, Unit(["Tell your mentor if you need a couple of days."]))


def test_mentees_should_becomes_you_should_and_flow_words_go():
    assert second_person("Mentees should book the next date early.") == \
        "You should book the next date early."
    # A handbook's rule about "the mentee" is said to the mentee...
    assert second_person("The mentee sends the first message.") == "You send the first message."
    assert second_person("The mentee carries the agenda.") == "You carry the agenda."
    # ...but a statement about mentees in general, or about what is done to them, stays one.
    assert second_person("There is no limit on the mentors a mentee can seek.") == \
        "There is no limit on the mentors you can seek."
    assert second_person("Mentors/Mentees can share a department.") == \
        "Mentors/Mentees can share a department."  # both are meant: not "Mentors/you"
    assert second_person("Mentor and Mentee can meet by phone or video.") == \
        "Mentor and Mentee can meet by phone or video."  # not "Mentor and you can meet"
    assert second_person("A mentor might believe that their mentee could benefit from it.") == \
        "A mentor might believe that their mentee could benefit from it."  # not "their you"
    assert second_person("Mentees often feel nervous at first.") == \
        "Mentees often feel nervous at first."
    assert second_person("The mentee is matched by the team.") == \
        "The mentee is matched by the team."
    assert drop_connective("Again, if she refuses, move on.") == "If she refuses, move on."
    assert drop_connective("And let her lead.") == "Let her lead."
    assert drop_connective("Of course, ask first.") == "Ask first."
    assert drop_connective("Yes, you can have a second mentor.") == "You can have a second mentor."
    assert drop_connective("Likely, she is busy.") == "Likely, she is busy."
    # the writer announcing a point is article flow; the point itself stays
    assert drop_connective("I'd also add: while someone is quiet, keep working with others."
                           ) == "While someone is quiet, keep working with others."
    assert drop_connective("My advice: ask early.") == "Ask early."
    assert drop_connective("I would say that it matters.") == "I would say that it matters."
    assert reword(["So, mentees should send her a recap."]) == [
        "You should send your mentor a recap."]


def test_instructions_are_told_from_statements_and_stories():
    assert is_imperative("Send two or three questions before every meeting.")
    assert is_imperative("If the video drops twice, switch to a phone call.")
    assert is_imperative("A simple rule works well: if it drops twice, switch to audio.")
    assert not is_imperative("Mentors help most with something concrete.")
    assert not is_imperative("Meeting too often leaves no time to act.")
    assert not is_imperative("Ten years ago I sent my first cold email.")
    # An opening phrase with no verb is set aside; "Mention" is a verb before its object.
    assert is_imperative("Two weeks before a clock change, send a short message.")
    assert is_imperative("Mention it in your next check-in.")
    assert not is_imperative("Ten years ago, I sent my first cold email.")
    assert not is_imperative("Preparation is the key to a good meeting.")
    # a sentence about everyone, or about nobody, states how things are
    assert not is_imperative("Everyone needs a cheerleader on their side.")
    assert not is_imperative("Too many people ask someone just one step ahead of them.")
    # An adverb before the verb, an order before a colon, a bare "be", "bring" (not a
    # participle): instructions the coach once read as statements.
    assert is_imperative("If you meet her at a conference, definitely say hello.")
    assert is_imperative("Simply introduce yourself after the talk.")
    assert is_imperative("Bring the evidence to them: a document you wrote, a talk you gave.")
    assert is_imperative("If you work at the same company, be careful about gifts.")
    assert is_imperative("Bring a real question every time.")
    assert is_imperative("I'd add one thing: while she is away, keep working with others.")
    assert not is_imperative("While your mentor may work nearby, often she does not.")
    assert not is_imperative("Remember, your time is a resource: one to protect, not squander.")
    assert not is_imperative("Family members can be mentors too.")
    assert not is_imperative("Being on time matters more than being brilliant.")
    story = actionability(Unit(["My third mentor was generous and then stopped replying."]))
    plain = actionability(Unit(["Regular meetings keep the momentum going."]))
    step = actionability(Unit(["Write to your mentor within five working days."]))
    assert story < plain < step
    # what the writer did, told after an opening phrase, is story too
    late = actionability(Unit(["Up to that point, I had only worked with mentors in my own team."]))
    assert late < plain


def test_advice_worded_as_it_is_useful_to_counts_as_something_to_do():
    plain = actionability(Unit(["Most mentors enjoy hearing how things turned out."]))
    for advice in ("It\u2019s useful to paraphrase the feedback back to your mentor.",
                   "It is often helpful to write your questions down first.",
                   "It helps to arrive a few minutes early."):
        assert actionability(Unit([advice])) > plain, advice
    assert actionability(Unit(["It is important that mentors listen well."])) == plain


def test_a_note_to_write_is_recognised_and_its_kind_read_from_the_point():
    assert tells_to_write("Send your mentor a note, thanking her for her help.")
    assert tells_to_write("Send a three-line recap the same day.")
    assert not tells_to_write("I sent my first cold email ten years ago.")
    assert note_kind("Send her a note and say you'll be in touch when she's ready.",
                     "my mentor stopped replying") == "back-off"
    assert note_kind("Send a short thank-you within a day.", "how do I thank her?") == "thank-you"
    assert note_kind("Write again with the outcome.", "what next?") == "follow-up"


def test_an_outreach_draft_is_not_offered_for_a_note_to_a_mentor_the_mentee_already_has():
    from coach.voice import fits_offer

    assert not fits_offer("outreach", "I'm swamped and can't write a proper reply to my "
                                      "mentor's long email. Should I wait?")
    assert fits_offer("back-off", "My mentor stopped replying. What should I do?")
    assert fits_offer("outreach", "What do I say when I get in touch with a possible mentor?")
    assert fits_offer("outreach", "I've just been matched. What should I write to my new mentor?")
    assert fits_offer("outreach", "My mentor suggested I contact her colleague. How should I "
                                  "approach her?")


def test_asking_how_to_contact_someone_is_an_outreach_intent():
    from coach.voice import asks_to_approach

    for question in ("How do I approach her?", "Should I email Dr. Ruiz first?",
                     "What's the best way to reach out to a potential mentor?",
                     "How can I ask Priya to be my mentor?"):
        assert asks_to_approach(question), question
    for question in ("How do I approach a difficult conversation?",
                     "What should I put in the email?", "How do I ask for feedback?"):
        assert not asks_to_approach(question), question
    assert draft_offer("outreach") == ("Want me to draft an outreach email to your prospective "
                                       "mentor?")


def test_asking_how_to_thank_someone_asks_for_a_thank_you_note():
    from coach.voice import asked_draft_kind

    for question in ("How should I thank him?", "Should I send a thank-you to Ana?",
                     "how can I best show my appreciation?"):
        assert asked_draft_kind(question) == "thank-you", question
    assert asked_draft_kind("How do I approach her?") == "outreach"
    for question in ("Thank you, that helps!", "Why do mentors like being thanked?"):
        assert asked_draft_kind(question) is None, question


def test_an_order_under_a_warning_heading_is_said_as_the_prohibition_it_is():
    from coach.voice import as_warning, warning_list

    for heading in ("Don'ts", "Being a mentee \u203a Things to avoid", "Mistakes to avoid",
                    "What not to do in a first meeting", "Avoid:", "DON'TS", "Mentee DON'Ts",
                    "Don't:", "Do not do the following", "Avoid these things:", "Never:",
                    "Things you should never do", "What you shouldn't do"):
        assert warning_list(heading) == "prohibitions", heading
    for heading in ("Common mistakes", "Pitfalls"):
        assert warning_list(heading) == "mistakes", heading
    for heading in ("Do's and don'ts", "Avoiding burnout", "How to avoid common pitfalls",
                    "Don't overload your mentor", "Mistakes I made in my first year",
                    "Lessons From the Ones Who Never Wrote Back", "Preparing to meet",
                    "Do the following", "Never give up on your goals"):
        assert warning_list(heading) is None, heading
    assert as_warning("Cancel meetings at the last minute.") == \
        "Don't cancel meetings at the last minute."
    assert as_warning("Treating your mentor as a manager.") == \
        "Avoid treating your mentor as a manager."
    assert as_warning("Set an agenda before each meeting.", "mistakes") == \
        "Set an agenda before each meeting."  # under "Common mistakes", maybe the remedy
    for kept in ("Never cancel at the last minute.", "Don't cancel late.",
                 "Mentors notice when you are late.", "If you must cancel, say why."):
        assert as_warning(kept) == kept


def test_an_offer_line_parses_back_to_its_draft_kind():
    assert parse_offer("Want me to draft a back-off note to your mentor?") == (
        "back-off", "your mentor")
    assert parse_offer("Want me to draft an outreach email to Ana?") == ("outreach", "Ana")
    assert parse_offer("Want me to draft a poem?") is None


def test_a_conditional_becomes_the_question_a_mentee_would_ask():
    assert what_if("If she declines, let it go and move on.") == "What if my mentor declines?"
    assert what_if("Again, if you are running late, send a message.") == \
        "What if I am running late?"
    assert what_if("Send a note within a day.") is None


def test_a_citation_never_lands_inside_a_quotation():
    assert cite("Say hello.", 2) == "Say hello [2]."
    assert cite('She says, "Wow! That is where I want to be!"', 1) == \
        'She says, "Wow! That is where I want to be!" [1]'
    assert cite("Bring three things:", 3) == "Bring three things [3]:"
    # an abbreviation's stop inside closing brackets stays there
    assert cite("Offer jobs (PhD places etc.)", 4) == "Offer jobs (PhD places etc.) [4]"
    # a page's doubled stop ("**Goals drive it.**.") is said once; an ellipsis stays
    assert cite("Goals should drive it..", 1) == "Goals should drive it [1]."
    assert cite("And then...", 1) == "And then [1]..."
    # the dash after a run-in label ("**Meet up!** -- Be on time") goes with the label
    assert cite("-- Be on time and buy the coffee!", 2) == "Be on time and buy the coffee [2]!"


def test_a_cited_sentence_reads_cleanly_whatever_the_page_s_spacing_and_list_joiners():
    assert cite("\u201c Let's try this for a month .\u201d", 1) == \
        "\u201cLet's try this for a month.\u201d [1]"
    assert cite("Keep your notes in one place;", 2) == "Keep your notes in one place [2]."
    assert cite("Agree how often you will meet; and", 2) == "Agree how often you will meet [2]."
    assert cite("Ask ( politely ) for ten minutes .", 3) == "Ask (politely) for ten minutes [3]."
    assert cite("Give your mentor time to adjust |", 1) == "Give your mentor time to adjust [1]"
    # a bullet the page left without a full stop, said as a point of its own, ends as a sentence
    assert cite("Set up meetings with clear agendas", 1, full_stop=True) == \
        "Set up meetings with clear agendas [1]."
    assert cite("Set up meetings with clear agendas", 1) == "Set up meetings with clear agendas [1]"


def test_a_sentence_boundary_inside_a_quotation_is_not_a_boundary():
    from coach.text import split_sentences

    text = 'Find someone who makes you say, "Wow! That is where I want to be." Then ask.'
    assert split_sentences(text) == [
        'Find someone who makes you say, "Wow! That is where I want to be."', "Then ask."]


def test_a_noun_phrase_subject_is_not_an_instruction():
    assert not is_imperative("Mentor relationships are like any other relationships.")
    assert is_imperative("Make sure you are on time for the first call.")


def test_curly_apostrophes_do_not_hide_a_kind_signal():
    assert note_kind("Send her a note and let her know you\u2019d like to be back in touch when "
                     "she\u2019s ready.", "what now?") == "back-off"


def test_a_page_s_interface_and_a_story_s_named_person_are_not_advice_to_reword():
    assert [u.text for u in build_units("Click a question to open the answer below it.")] == []
    # "He" is Tomás, named before it, not the mentee's mentor.
    assert reword(["Tomás, it turned out, had moved cities in the same month.",
                   "He wrote back four months later."])[1] == "He wrote back four months later."
    assert not is_imperative("Tomás, it turned out, had moved cities in the same month.")
    # "Aim for the second kind" needs the sentence that names the kinds.
    assert leans_on_predecessor("Aim for the second kind.")


def test_a_draft_is_offered_only_when_the_kind_of_note_shows():
    assert not shows_note_kind("You're better off writing a sincere note.",
                               "Does my mentor have to work at my company?")
    assert shows_note_kind("Send a short thank-you within a day.", "what now?")


def test_a_condition_that_points_back_is_neither_said_alone_nor_asked_as_a_follow_up():
    from coach.voice import leans_on_predecessor, what_if

    leaning = "If this is the case, you don't need to do anything to formally end it."
    assert leans_on_predecessor(leaning) and what_if(leaning) is None
    assert what_if("If she declines, let it go.") == "What if my mentor declines?"


def test_a_table_row_is_looked_up_in_the_source_not_said():
    from coach.voice import is_candidate

    assert not is_candidate("Time: 40–50 min; What to cover: how often you will meet.")
    assert is_candidate("Tip: keep the first message short; say why you chose them.")


def test_a_table_row_s_cells_of_advice_are_said_under_the_row_s_label():
    from coach.voice import build_units

    text = ("Situation: Your mentor keeps cancelling; Do: Offer two new times in the same "
            "message; Don't: Go quiet until they apologise.\n"
            "Week: Week 2; Task: Send your mentor a one-page summary of your goals.\n"
            "Room: B12; Open: 9 to 5.")
    units = build_units(text)
    said = [s for u in units for s in u.sentences]
    # Cells of advice, a Don't as the prohibition it is; a timed task keeps its time; the
    # room and opening hours are data, left to the source view.
    assert said == ["Offer two new times in the same message.",
                    "Don't go quiet until they apologise.",
                    "Week 2: Send your mentor a one-page summary of your goals."]
    assert [u.topic for u in units] == ["Your mentor keeps cancelling"] * 2 + ["Week 2"]
    # With no label column, a short first cell of advice is advice too, not the row's label.
    pairs = build_units("Do: Arrive with your agenda printed; Don't: Read your emails during "
                        "the call.")
    assert [s for u in pairs for s in u.sentences] == [
        "Arrive with your agenda printed.", "Don't read your emails during the call."]


def test_a_sentence_that_only_announces_what_follows_is_not_said():
    from coach.voice import is_candidate

    assert not is_candidate("There is one important exception.")
    assert not is_candidate("Here are three things to remember.")
    assert is_candidate("There is one exception: a mentor may tell the office if you are at risk.")
    assert is_candidate("There are three ways to find a mentor through your programme office.")
    # pointing at a list that follows, whatever the sentence adds after its noun
    assert not is_candidate("Here are a couple of signs that it may be time to move on.")
    assert not is_candidate("Listed below are the duties of every mentee in the scheme.")
    assert is_candidate("Here are the two rules that matter: be on time and be prepared.")
    assert is_candidate("Here is what I wish I had known before my first meeting.")
    assert not is_candidate("Here is a short guide to what the first month looks like.")


def test_a_sentence_cut_off_by_the_page_is_not_said():
    assert not is_candidate("You will only get real help if you are honest with your mentor and")
    assert not is_candidate("Bring a list of the questions you want to cover, such as")
    # an ending a whole sentence can have
    assert is_candidate("Mentors give their time freely, because they want to.")


def test_a_question_about_how_things_are_is_told_from_one_about_what_to_do():
    assert asks_how_things_are("Why would I send my questions before the call?")
    assert asks_how_things_are("Does my mentor have to work at my company?")
    assert asks_how_things_are("My goal is to network more. Is that good enough?")
    assert asks_how_things_are("So what kind of person makes a good mentor?")
    # An obligation: "You don't need to ..." answers it as well as any instruction.
    assert asks_how_things_are("Do I need to formally end the relationship?")
    assert asks_how_things_are("and do we have to stop talking when the scheme ends?")
    assert not asks_how_things_are("Do I send the agenda before or after booking the room?")
    # What someone else does or would do is a fact; "What is the best way ...?" asks what to do.
    assert asks_how_things_are("I told her something personal. What would she pass on?")
    assert not asks_how_things_are("What is the best way to ask for a second meeting?")
    assert not asks_how_things_are("Should I send my questions before the call?")
    assert not asks_how_things_are("Is it OK to go through her assistant?")
    assert not asks_how_things_are("She offered to meet at her flat. Is that OK?")
    assert not asks_how_things_are("Is there anything I should send before we meet?")
    assert not asks_how_things_are("How do I ask for feedback?")
    # how the programme is: its size, its length, what it requires, what follows from what
    assert asks_how_things_are("how many people are in one of these group schemes?")
    assert asks_how_things_are("How long does the whole programme run for?")
    assert asks_how_things_are("Do I need a portfolio to apply?")
    assert asks_how_things_are("I've only helped at workshops. Am I still allowed to apply?")
    assert asks_how_things_are("What happens if I miss the midpoint survey?")
    # a typed question's sentences may start in lower case; "normal" is how things are
    assert asks_how_things_are("I might not fit the group. what happens if it goes badly?")
    assert asks_how_things_are("I have no idea if I'd pass the review. Is that normal?")
    # what will happen to me, how to feel about it, when someone else acts
    assert asks_how_things_are("will I be marked at the end of the six months?")
    assert asks_how_things_are("No match after two months. Should I be worried?")
    assert asks_how_things_are("When will my mentor hear about the change?")
    assert asks_how_things_are("The calls are at 3am for me. Is it a problem if I skip some?")
    assert not asks_how_things_are("When should I send the recap?")
    assert not asks_how_things_are("Should I be honest about the missed deadline?")
    assert not asks_how_things_are("my mentor is busy. should I wait a week?")
    assert not asks_how_things_are("How many hours should I put in each week?")
    assert not asks_how_things_are("How long should I wait before I follow up?")


def test_a_list_of_questions_to_ask_yourself_is_said_by_its_first_questions():
    # each item is a question with follow-up questions: split into sentences, as a list of
    # paragraphs is, nothing was left to say (questions are never points of their own)
    text = ("Before each session, ask yourself:\n\n"
            "- What went well since we last met? Why did it work? Would it work again?\n"
            "- What is still stuck? Who else could help? What have you tried?\n"
            "- What do you want from the next hour? How will you know you got it?")
    [unit] = build_units(text)
    assert unit.sentences == ["Before each session, ask yourself:"]
    assert [t for _, t in unit.items] == ["What went well since we last met?",
                                          "What is still stuck?",
                                          "What do you want from the next hour?"]
    assert not is_candidate("So here are a few ideas on how to spend time preparing.")


def test_a_call_to_the_page_s_own_button_is_not_said():
    assert not is_candidate("Now you're ready, sign up here!")
    assert not is_candidate("To book a slot with a coach, register here.")
    assert is_candidate("Join a scheme whose mentors are trained before they are matched.")


def test_a_dependent_clause_set_as_a_line_of_its_own_is_not_said():
    assert not is_candidate("If you get the yes!")
    assert not is_candidate("When you're ready.")
    assert is_candidate("If she says no, let it go.")
    assert is_candidate("Once a month is enough for most pairs.")


def test_a_run_in_heading_is_not_said_but_a_label_that_carries_sense_is():
    [unit] = build_units("When Advice Feels Misaligned: If a suggestion does not fit your goals, "
                         "say so and offer another way.")
    assert unit.sentences == ["If a suggestion does not fit your goals, say so and offer "
                              "another way."]
    [unit] = build_units("Next issue: After the last formal meeting, keep in touch every few "
                         "months.")
    assert unit.sentences[0].startswith("After the last formal meeting")
    for kept in ["Set one goal per meeting: It keeps the call focused.",
                 "Don't: Cancel on the morning of a session."]:
        assert build_units(kept)[0].sentences[0].startswith(kept[:12]), kept


def test_a_paragraph_that_opens_leaning_leans_on_the_paragraph_above():
    # "These reports don't have to be very long" answered "does my weekly email need to be a
    # long report?" but, with nothing before it in its paragraph, was never said
    text = ("Email your mentors a progress report every Friday afternoon.\n\n"
            "These reports don't have to be very long. A few lines on what you did is plenty.")
    units = [u.sentences for u in build_units(text)]
    assert ["Email your mentors a progress report every Friday afternoon.",
            "These reports don't have to be very long."] in units
    # after a list, the same sentence leans on the whole list, which is not joined with it
    listed = "- Write the weekly report.\n- Send it on Friday.\n\nThese reports can be short."
    assert not any("These reports can be short." in u for u in
                   [s for u in build_units(listed) for s in u.sentences])


def test_an_order_drawn_as_a_consequence_stands_alone_and_a_statement_still_leans():
    # "Therefore, always be sure to understand what the next step will be" was never said:
    # joined with its long reason, it was over the length a point may have
    order = "Therefore, always agree on the next step before you leave a meeting."
    assert not leans_on_predecessor(order)
    assert drop_connective(order) == "Always agree on the next step before you leave a meeting."
    assert leans_on_predecessor("As a result, she stopped replying to my emails.")
    assert leans_on_predecessor("Thus, low return.")
    # what is usual for someone: the "it" points ahead, not back
    assert not leans_on_predecessor("It's not uncommon for mentor and mentee to stay in touch.")
