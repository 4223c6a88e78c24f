using System.Text.Json.Nodes;
using Gateway.Chat;
using Gateway.Http;
using Gateway.Providers.Bedrock.Converse;

namespace Gateway.Tests.Providers.Bedrock;

/// <summary>OpenAI chat requests to Converse bodies; each edge case Bedrock is strict about gets its own test.</summary>
public sealed class ConverseRequestWriterTests
{
    private static JsonNode Write(string request)
    {
        using var parsed = ChatRequest.Parse(System.Text.Encoding.UTF8.GetBytes(request));
        return JsonNode.Parse(ConverseRequestWriter.Write(parsed.Root))!;
    }

    [Fact]
    public void Blank_text_blocks_are_never_sent()
    {
        var body = Write("""{"model":"m","messages":[{"role":"system","content":"  "},{"role":"user","content":[{"type":"text","text":""},{"type":"text","text":"real"},{"type":"text","text":" \n"}]},{"role":"assistant","content":""},{"role":"user","content":"again"}]}""");
        Assert.Null(body["system"]);
        var messages = body["messages"]!.AsArray();
        Assert.Single(messages); // the blank assistant turn is dropped, so the two user turns merge
        var content = messages[0]!["content"]!.AsArray();
        Assert.Equal(["real", "again"], content.Select(c => (string)c!["text"]!));
    }

    [Fact]
    public void System_and_developer_messages_become_system_blocks()
    {
        var body = Write("""{"model":"m","messages":[{"role":"system","content":"one"},{"role":"developer","content":[{"type":"text","text":"two"}]},{"role":"user","content":"hi"}]}""");
        Assert.Equal(["one", "two"], body["system"]!.AsArray().Select(s => (string)s!["text"]!));
    }

    [Fact]
    public void Base64_images_become_image_blocks()
    {
        var body = Write("""{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"what is it"},{"type":"image_url","image_url":{"url":"data:image/jpg;base64,AAEC"}}]}]}""");
        var image = body["messages"]![0]!["content"]![1]!["image"]!;
        Assert.Equal("jpeg", (string)image["format"]!);
        Assert.Equal("AAEC", (string)image["source"]!["bytes"]!);
    }

    [Fact]
    public void Image_links_are_rejected_with_a_400_naming_the_field()
    {
        var e = Assert.Throws<GatewayException>(() => Write("""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}]}"""));
        Assert.Equal(400, e.Status);
        Assert.Equal("messages[0].content[0].image_url.url", e.Param);
    }

    [Fact]
    public void File_parts_become_document_blocks_with_a_safe_name()
    {
        var body = Write("""{"model":"m","messages":[{"role":"user","content":[{"type":"file","file":{"file_data":"data:application/pdf;base64,JVBERi0=","filename":"Q3 report_final.v2.pdf"}},{"type":"text","text":"summarise"}]}]}""");
        var doc = body["messages"]![0]!["content"]![0]!["document"]!;
        Assert.Equal("pdf", (string)doc["format"]!);
        Assert.Equal("Q3 report final v2", (string)doc["name"]!);
        Assert.Equal("JVBERi0=", (string)doc["source"]!["bytes"]!);
    }

    [Fact]
    public void Cache_control_adds_a_cache_point_after_the_marked_block()
    {
        var body = Write("""{"model":"m","messages":[{"role":"system","content":[{"type":"text","text":"long rules","cache_control":{"type":"ephemeral"}}]},{"role":"user","content":[{"type":"text","text":"q","cache_control":{"type":"ephemeral"}}]}]}""");
        Assert.Equal("default", (string)body["system"]![1]!["cachePoint"]!["type"]!);
        Assert.Equal("default", (string)body["messages"]![0]!["content"]![1]!["cachePoint"]!["type"]!);
    }

    [Fact]
    public void Consecutive_tool_results_merge_into_one_user_turn_with_status()
    {
        var body = Write("""
            {"model":"m","messages":[
              {"role":"user","content":"go"},
              {"role":"assistant","content":null,"tool_calls":[
                {"id":"t1","type":"function","function":{"name":"a","arguments":"{\"x\":1}"}},
                {"id":"t2","type":"function","function":{"name":"b","arguments":""}}]},
              {"role":"tool","tool_call_id":"t1","content":"one"},
              {"role":"tool","tool_call_id":"t2","content":"failed","status":"error"},
              {"role":"user","content":"and?"}]}
            """);
        var messages = body["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user"], messages.Select(m => (string)m!["role"]!));
        var assistant = messages[1]!["content"]!.AsArray();
        Assert.Equal(1, (int)assistant[0]!["toolUse"]!["input"]!["x"]!);
        Assert.Empty(assistant[1]!["toolUse"]!["input"]!.AsObject()); // empty arguments become {}
        var results = messages[2]!["content"]!.AsArray();
        Assert.Equal("t1", (string)results[0]!["toolResult"]!["toolUseId"]!);
        Assert.Null(results[0]!["toolResult"]!["status"]);
        Assert.Equal("error", (string)results[1]!["toolResult"]!["status"]!);
        Assert.Equal("and?", (string)results[2]!["text"]!);
    }

    [Fact]
    public void Inference_config_takes_max_tokens_temperature_top_p_and_stop()
    {
        var body = Write("""{"model":"m","max_completion_tokens":64,"temperature":0.2,"top_p":0.9,"stop":"END","messages":[{"role":"user","content":"x"}]}""");
        var cfg = body["inferenceConfig"]!;
        Assert.Equal(64, (int)cfg["maxTokens"]!);
        Assert.Equal(0.2, (double)cfg["temperature"]!, 5);
        Assert.Equal(0.9, (double)cfg["topP"]!, 5);
        Assert.Equal(["END"], cfg["stopSequences"]!.AsArray().Select(s => (string)s!));
    }

    [Theory]
    [InlineData("\"auto\"", "auto")]
    [InlineData("\"required\"", "any")]
    [InlineData("{\"type\":\"function\",\"function\":{\"name\":\"f\"}}", "tool")]
    public void Tool_choice_maps_to_auto_any_or_tool(string choice, string expected)
    {
        var body = Write("""{"model":"m","tool_choice":""" + choice + ""","tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{}}}}],"messages":[{"role":"user","content":"x"}]}""");
        var toolChoice = body["toolConfig"]!["toolChoice"]!.AsObject();
        Assert.Equal(expected, toolChoice.Single().Key);
        if (expected == "tool") Assert.Equal("f", (string)toolChoice["tool"]!["name"]!);
    }

    [Fact]
    public void A_tool_without_parameters_gets_an_empty_object_schema()
    {
        var body = Write("""{"model":"m","tools":[{"type":"function","function":{"name":"now"}}],"messages":[{"role":"user","content":"x"}]}""");
        Assert.Equal("object", (string)body["toolConfig"]!["tools"]![0]!["toolSpec"]!["inputSchema"]!["json"]!["type"]!);
        Assert.Null(body["toolConfig"]!["toolChoice"]);
    }

    [Fact]
    public void Thinking_goes_into_additional_model_request_fields()
    {
        var body = Write("""{"model":"m","thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":"x"}]}""");
        Assert.Equal(1024, (int)body["additionalModelRequestFields"]!["thinking"]!["budget_tokens"]!);
        Assert.Null(body["thinking"]);
    }

    [Fact]
    public void More_than_one_choice_is_refused_rather_than_silently_answered_once()
    {
        var e = Assert.Throws<GatewayException>(() => Write("""{"model":"m","n":2,"messages":[{"role":"user","content":"x"}]}"""));
        Assert.Equal(400, e.Status);
        Assert.Equal("n", e.Param);
    }

    [Fact]
    public void A_request_of_system_prompts_only_sends_them_as_the_user_turn()
    {
        var body = Write("""{"model":"m","messages":[{"role":"system","content":"Say hi."}]}""");
        Assert.Null(body["system"]);
        Assert.Equal("user", (string)body["messages"]![0]!["role"]!);
        Assert.Equal("Say hi.", (string)body["messages"]![0]!["content"]![0]!["text"]!);
    }

    [Fact]
    public void Is_error_on_a_tool_message_becomes_status_error()
    {
        var body = Write("""{"model":"m","messages":[{"role":"user","content":"go"},{"role":"assistant","tool_calls":[{"id":"t1","type":"function","function":{"name":"a","arguments":"{}"}}]},{"role":"tool","tool_call_id":"t1","content":"nope","is_error":true}]}""");
        Assert.Equal("error", (string)body["messages"]![2]!["content"]![0]!["toolResult"]!["status"]!);
    }

    [Fact]
    public void Json_schema_output_is_a_forced_json_response_tool()
    {
        var body = Write("""{"model":"m","response_format":{"type":"json_schema","json_schema":{"name":"a","schema":{"type":"object","properties":{"n":{"type":"integer"}}}}},"messages":[{"role":"user","content":"x"}]}""");
        var cfg = body["toolConfig"]!;
        Assert.Equal("json_response", (string)cfg["tools"]![0]!["toolSpec"]!["name"]!);
        Assert.Equal("integer", (string)cfg["tools"]![0]!["toolSpec"]!["inputSchema"]!["json"]!["properties"]!["n"]!["type"]!);
        Assert.Equal("json_response", (string)cfg["toolChoice"]!["tool"]!["name"]!);
    }

    [Fact]
    public void Tool_choice_none_leaves_the_tools_out_when_there_is_no_tool_history()
    {
        var body = Write("""{"model":"m","tool_choice":"none","tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"x"}]}""");
        Assert.Null(body["toolConfig"]);
    }

    [Fact]
    public void Tool_choice_none_keeps_the_tools_when_the_history_has_tool_calls_as_bedrock_requires()
    {
        var body = Write("""{"model":"m","tool_choice":"none","tools":[{"type":"function","function":{"name":"f"}}],"messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"t","content":"r"}]}""");
        Assert.Equal("f", (string)body["toolConfig"]!["tools"]![0]!["toolSpec"]!["name"]!);
        Assert.Null(body["toolConfig"]!["toolChoice"]);
    }
}
