// AWS CLI configuration lookup: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN,
// AWS_PROFILE, the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials) and
// config file (AWS_CONFIG_FILE, ~/.aws/config, "[profile name]" sections), AWS_REGION /
// AWS_DEFAULT_REGION / region, AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL / endpoint_url, and the
// config file's "s3 =" sub-section for addressing_style.
#include "io/s3_config.hpp"

#include "io/io.hpp"

#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>

namespace loom::io::s3 {

namespace {

using Section = std::map<std::string, std::string>;  // "s3.addressing_style" for nested keys
using IniFile = std::map<std::string, Section>;

std::string trim(std::string text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

// The AWS INI dialect: "[section]", "key = value", comment lines starting with '#' or ';', and
// indented "key = value" lines under a "name =" line with no value (a nested section).
std::optional<IniFile> read_ini(const std::string& path) {
  std::ifstream stream(path);
  if (!stream) return std::nullopt;
  IniFile file;
  Section* section = nullptr;
  std::string nested;
  std::string line;
  while (std::getline(stream, line)) {
    const bool indented = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    const std::string text = trim(line);
    if (text.empty() || text[0] == '#' || text[0] == ';') continue;
    if (text.front() == '[' && text.back() == ']') {
      section = &file[trim(text.substr(1, text.size() - 2))];
      nested.clear();
      continue;
    }
    const auto equals = text.find('=');
    if (section == nullptr || equals == std::string::npos) continue;
    const std::string key = trim(text.substr(0, equals));
    const std::string value = trim(text.substr(equals + 1));
    if (indented && !nested.empty()) {
      (*section)[nested + "." + key] = value;
    } else if (value.empty()) {
      nested = key;
    } else {
      nested.clear();
      (*section)[key] = value;
    }
  }
  return file;
}

std::string env_or(const Environment& getenv, const char* name, const std::string& fallback) {
  const char* value = getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

bool is_true(const std::string& value) {
  return value == "true" || value == "TRUE" || value == "True" || value == "1" || value == "yes";
}

const Section* find(const std::optional<IniFile>& file, const std::string& name) {
  if (!file) return nullptr;
  const auto it = file->find(name);
  return it == file->end() ? nullptr : &it->second;
}

std::string get(const Section* section, const std::string& key) {
  if (section == nullptr) return {};
  const auto it = section->find(key);
  return it == section->end() ? std::string() : it->second;
}

}  // namespace

S3Config load_s3_config(const Environment& getenv) {
  S3Config config;
  const std::string home = env_or(getenv, "HOME", "");
  const std::string credentials_path =
      env_or(getenv, "AWS_SHARED_CREDENTIALS_FILE", home + "/.aws/credentials");
  const std::string config_path = env_or(getenv, "AWS_CONFIG_FILE", home + "/.aws/config");
  const char* profile_variable = getenv("AWS_PROFILE");
  config.profile =
      env_or(getenv, "AWS_PROFILE", env_or(getenv, "AWS_DEFAULT_PROFILE", std::string("default")));
  const bool profile_asked = (profile_variable != nullptr && *profile_variable != '\0') ||
                             getenv("AWS_DEFAULT_PROFILE") != nullptr;

  const auto credentials_file = read_ini(credentials_path);
  const auto config_file = read_ini(config_path);
  const Section* from_credentials = find(credentials_file, config.profile);
  const Section* from_config =
      find(config_file, config.profile == "default" ? "default" : "profile " + config.profile);
  if (profile_asked && from_credentials == nullptr && from_config == nullptr)
    config.problem = "the AWS profile '" + config.profile + "' (AWS_PROFILE) is in neither '" +
                     credentials_path + "' nor '" + config_path + "'";

  config.anonymous = is_true(env_or(getenv, "AWS_NO_SIGN_REQUEST", ""));
  const std::string key = env_or(getenv, "AWS_ACCESS_KEY_ID", "");
  const std::string secret = env_or(getenv, "AWS_SECRET_ACCESS_KEY", "");
  if (!key.empty() || !secret.empty()) {
    config.credentials = {key, secret, env_or(getenv, "AWS_SESSION_TOKEN", "")};
    config.credentials_source = "the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)";
    if (key.empty() || secret.empty())
      config.problem = "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together";
  } else {
    for (const auto& [section, path] :
         {std::pair{from_credentials, credentials_path}, std::pair{from_config, config_path}}) {
      if (get(section, "aws_access_key_id").empty()) continue;
      config.credentials = {get(section, "aws_access_key_id"),
                            get(section, "aws_secret_access_key"),
                            get(section, "aws_session_token")};
      config.credentials_source = "'" + path + "' [" + config.profile + "]";
      if (config.credentials.secret_access_key.empty())
        config.problem =
            config.credentials_source + " has aws_access_key_id but no " + "aws_secret_access_key";
      break;
    }
  }

  config.region = env_or(getenv, "AWS_REGION",
                         env_or(getenv, "AWS_DEFAULT_REGION", get(from_config, "region")));
  if (config.region.empty()) config.region = "us-east-1";
  config.endpoint = env_or(
      getenv, "AWS_ENDPOINT_URL_S3",
      env_or(getenv, "AWS_ENDPOINT_URL",
             get(from_config, "s3.endpoint_url").empty() ? get(from_config, "endpoint_url")
                                                         : get(from_config, "s3.endpoint_url")));
  while (!config.endpoint.empty() && config.endpoint.back() == '/') config.endpoint.pop_back();
  if (!config.endpoint.empty() && config.endpoint.rfind("http://", 0) != 0 &&
      config.endpoint.rfind("https://", 0) != 0)
    config.problem =
        "the S3 endpoint URL '" + config.endpoint + "' must start with http:// or https://";
  config.addressing_style = get(from_config, "s3.addressing_style");
  if (config.addressing_style.empty()) config.addressing_style = "auto";
  if (config.addressing_style != "auto" && config.addressing_style != "path" &&
      config.addressing_style != "virtual")
    config.problem = "addressing_style '" + config.addressing_style + "' in '" + config_path +
                     "' [" + config.profile + "] must be auto, path or virtual";
  return config;
}

namespace {

std::mutex config_mutex;
std::optional<S3Config> loaded;

}  // namespace

const S3Config& s3_config() {
  std::lock_guard lock(config_mutex);
  if (!loaded) loaded = load_s3_config([](const char* name) { return std::getenv(name); });
  if (!loaded->problem.empty()) throw IoError("S3 configuration: " + loaded->problem);
  if (!loaded->anonymous && loaded->credentials.access_key_id.empty())
    throw IoError(
        "no AWS credentials found for s3:// paths (looked at AWS_ACCESS_KEY_ID, then profile '" +
        loaded->profile +
        "' in ~/.aws/credentials and ~/.aws/config); for a public bucket such as "
        "s3://commoncrawl/ set AWS_NO_SIGN_REQUEST=true");
  return *loaded;
}

bool uses_path_style(const S3Config& config, const std::string& bucket) {
  if (config.addressing_style == "path") return true;
  if (config.addressing_style == "virtual") return false;
  if (!config.endpoint.empty()) return true;
  // A bucket name with dots or upper case cannot be a host name label under TLS.
  for (const char c : bucket)
    if (c == '.' || (c >= 'A' && c <= 'Z') || c == '_') return true;
  return false;
}

}  // namespace loom::io::s3
