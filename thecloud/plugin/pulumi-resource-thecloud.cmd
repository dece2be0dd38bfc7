@echo off
rem The Cloud provider plugin on Windows: see pulumi-resource-thecloud beside this file.
set "main=%~dp0..\dist\thecloud\provider\plugin.js"
if not exist "%main%" for /f "delims=" %%m in ('node -p "require.resolve(\"pulumi-thecloud/plugin\", { paths: [process.cwd()] })"') do set "main=%%m"
node "%main%" %*
